/**
 * Turns zod issues into what an operator can act on: the key, what was expected and what the file
 * (or the environment) gave — "expected a number, got \"abc\"", "unknown key 'clientSecert' — did you
 * mean 'clientSecret'?". Values are quoted through a redactor, so a secret never shows.
 */
import type { z } from 'zod';
import { closestMatch } from './did-you-mean.js';
import type { KeyPath } from './yaml-source.js';

export interface ConfigProblem {
  path: KeyPath;
  message: string;
}

export interface IssueContext {
  /** The value the config gave at a path, after interpolation (before zod coerced it). */
  valueAt(path: KeyPath): unknown;
  /** Keys the schema accepts at a path (for unknown keys). */
  knownKeysAt(path: KeyPath): string[];
  /** Masks secrets in a quoted value. */
  redact(text: string): string;
}

const MAX_QUOTED = 80;
const MAX_LISTED_KEYS = 25;

const EXPECTED_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping (indented "key: value" lines)',
  array: 'a list',
  record: 'a mapping (indented "key: value" lines)',
  url: 'an http(s) URL',
};

function expectedName(type: string): string {
  return EXPECTED_NAMES[type] ?? type;
}

function quote(value: unknown, ctx: IssueContext): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') {
    if (value === '') return 'an empty string';
    const short = value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED)}…` : value;
    return ctx.redact(JSON.stringify(short));
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  return 'a mapping';
}

function listValues(values: readonly unknown[]): string {
  const shown = values.map((v) => JSON.stringify(v));
  return shown.length === 1 ? shown[0]! : `one of ${shown.join(', ')}`;
}

function suggestion(input: unknown, candidates: readonly unknown[]): string {
  if (typeof input !== 'string') return '';
  const match = closestMatch(input, candidates.filter((c): c is string => typeof c === 'string'));
  return match !== undefined && match !== input ? ` — did you mean '${match}'?` : '';
}

type Issue = z.core.$ZodIssue;

/** What one branch of a union wanted, in words ("true or false", "one of \"a\", \"b\""). */
function branchExpectation(issues: readonly Issue[]): string | undefined {
  const first = issues[0];
  if (!first) return undefined;
  if (first.code === 'invalid_type') return expectedName(first.expected);
  if (first.code === 'invalid_value') return listValues(first.values);
  if (first.code === 'invalid_format') return first.format === 'url' ? expectedName('url') : `text in the format ${first.format}`;
  return undefined;
}

function describe(issue: Issue, ctx: IssueContext): string {
  const path = issue.path as KeyPath;
  const given = ctx.valueAt(path);
  switch (issue.code) {
    case 'invalid_type':
      if (given === undefined) return `missing: expected ${expectedName(issue.expected)}`;
      if (path.length === 0) return `the file must hold a mapping with erp:, ap: and the other sections, got ${quote(given, ctx)}`;
      // YAML reads 1000 as a number and true as a boolean; a code that looks like one needs quotes.
      if (issue.expected === 'string' && (typeof given === 'number' || typeof given === 'boolean')) {
        return `expected text, got ${quote(given, ctx)}: write it in quotes, "${String(given)}"`;
      }
      return `expected ${expectedName(issue.expected)}, got ${quote(given, ctx)}`;
    case 'invalid_value':
      return `expected ${listValues(issue.values)}, got ${quote(given, ctx)}${suggestion(given, issue.values)}`;
    case 'invalid_union': {
      if ('discriminator' in issue && issue.discriminator) {
        const options = (issue as { options?: unknown[] }).options ?? [];
        if (given === undefined) return `missing: expected ${listValues(options)}`;
        return `expected ${listValues(options)} (the systems this mlsync supports), got ${quote(given, ctx)}${suggestion(given, options)}`;
      }
      const wanted = [...new Set(issue.errors.map(branchExpectation).filter((w): w is string => w !== undefined))];
      if (wanted.includes(expectedName('boolean'))) return `expected true or false, got ${quote(given, ctx)}`;
      return wanted.length > 0 ? `expected ${wanted.join(' or ')}, got ${quote(given, ctx)}` : `${issue.message}, got ${quote(given, ctx)}`;
    }
    case 'too_small':
    case 'too_big': {
      const bound = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
      const word = issue.code === 'too_small' ? 'at least' : 'at most';
      if (issue.origin === 'string') {
        if (issue.code === 'too_small' && bound === 1) return 'must not be empty';
        return `expected ${word} ${bound} characters, got ${quote(given, ctx)}`;
      }
      if (issue.origin === 'array') return `expected ${word} ${bound} entries`;
      const exclusive = issue.inclusive === false ? (issue.code === 'too_small' ? 'more than' : 'less than') : word;
      return `expected a number ${exclusive} ${bound}, got ${quote(given, ctx)}`;
    }
    case 'invalid_format': {
      // Our schemas give their own message for most formats; zod's defaults start with "Invalid".
      const what = issue.message.startsWith('Invalid')
        ? issue.format === 'url'
          ? `expected ${expectedName('url')}`
          : `expected text in the format ${issue.format}`
        : issue.message;
      return `${what}, got ${quote(given, ctx)}`;
    }
    default:
      return issue.message;
  }
}

export function problemsOfIssue(issue: Issue, ctx: IssueContext): ConfigProblem[] {
  const path = issue.path as KeyPath;
  if (issue.code === 'unrecognized_keys') {
    const known = ctx.knownKeysAt(path);
    return issue.keys.map((key) => {
      const hint = suggestion(key, known);
      const listed = known.length > 0 && known.length <= MAX_LISTED_KEYS ? ` (known keys here: ${known.join(', ')})` : '';
      return { path: [...path, key], message: `unknown key '${key}'${hint || listed}` };
    });
  }
  return [{ path, message: describe(issue, ctx) }];
}
