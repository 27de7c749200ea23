/**
 * Loads a pair config: YAML file → `${ENV}` and `secret:<name>` resolved → zod-validated PairConfig.
 * Every problem in the file is collected (not just the first) and reported as
 * `configs/infor-basware.yaml: ap.clientSecret (line 14): environment variable BASWARE_CLIENT_SECRET is not set`,
 * in one ConfigError (exit 2), before anything is sent anywhere. Secret values reach the redactor first.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { Redactor } from '../secrets/redactor.js';
import { interpolate } from './interpolate.js';
import { problemsOfIssue } from './issue-messages.js';
import type { ConfigProblem } from './issue-messages.js';
import { PairConfig } from './schema.js';
import { knownKeysAt, valueAt } from './schema-keys.js';
import { secretConfigValues, secretEnvValues } from './secret-values.js';
import { formatKeyPath, forEachStringValue, lineOf, parseYaml } from './yaml-source.js';
import type { KeyPath, YamlSource } from './yaml-source.js';

export { defaultLedgerPath, resolveConfigDir, resolveLedgerPath } from './paths.js';

export interface LoadedConfig {
  /** The pair name: `pair:` in the file, else the file name without .yaml. */
  pair: string;
  /** Absolute path of the config file. */
  file: string;
  /** Absolute folder of the config file (relative paths in the config, such as `ionapi`, are relative to it). */
  dir: string;
  config: PairConfig;
}

export interface LoadOptions {
  configDir: string;
  env?: NodeJS.ProcessEnv;
  /** Learns every secret value of the config and of the environment. */
  redactor?: Redactor;
  /** Looks up a named secret (`secret:<name>`) in the keychain or vault; undefined when not stored. */
  resolveSecret?: (name: string) => string | undefined;
}

const YAML_EXTENSIONS = ['.yaml', '.yml'];
const PAIR_NAME = /^[a-z0-9][a-z0-9-]*$/;
/** A whole value `secret:basware-prod` names a stored secret. */
const SECRET_REFERENCE = /^secret:(.*)$/;
const SECRET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** `infor-basware` → `<configDir>/infor-basware.yaml`; a path (has a slash or ends .yaml/.yml) is used as it is. */
export function resolvePairFile(pairOrPath: string, configDir: string): string {
  const isPath = pairOrPath.includes('/') || pairOrPath.includes('\\') || YAML_EXTENSIONS.includes(extname(pairOrPath).toLowerCase());
  return isPath ? pairOrPath : join(configDir, `${pairOrPath}.yaml`);
}

function pairsIn(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => YAML_EXTENSIONS.includes(extname(f).toLowerCase()))
      .map((f) => basename(f, extname(f)))
      .sort();
  } catch {
    return [];
  }
}

export function loadPairConfig(pairOrPath: string, opts: LoadOptions): LoadedConfig {
  const env = opts.env ?? process.env;
  const shown = resolvePairFile(pairOrPath, opts.configDir);
  const file = resolve(shown);
  if (!existsSync(file)) {
    const present = pairsIn(dirname(file));
    const message = `No config for pair '${pairOrPath}': ${shown} does not exist (configs present: ${present.length > 0 ? present.join(', ') : 'none'})`;
    throw new ConfigError(message, [message], { system: 'config' });
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const message = `Cannot read ${shown}: ${(err as Error).message}`;
    throw new ConfigError(message, [message], { system: 'config', cause: err });
  }

  // Secrets are known before any message is written, so no message can quote one.
  const secrets = new Redactor();
  const learn = (value: string) => {
    secrets.add(value);
    opts.redactor?.add(value);
  };
  secretEnvValues(env).forEach(learn);
  const invalid = (problems: string[]) => configInvalid(shown, problems.map((p) => secrets.text(p)));

  const { source, errors } = parseYaml(text);
  if (errors.length > 0) throw invalid(errors.map((e) => `${shown}: line ${e.line}, column ${e.column}: ${e.message}`));
  if (source.doc.contents === null) throw invalid([`${shown}: the file is empty; expected a pair config with erp: and ap: sections`]);

  const resolved = resolveValues(source, env, opts.resolveSecret, learn);
  const data = withoutEmptyValues(source.doc.toJS() as unknown);
  for (const secret of secretConfigValues(data)) {
    // An unresolved value is still the `${…}` text from the file, not a secret.
    if (!resolved.failed.some((bad) => startsWith(secret.path, bad))) learn(secret.value);
  }

  const parsed = PairConfig.safeParse(data);
  const problems = [...resolved.problems, ...(parsed.success ? [] : schemaProblems(parsed.error.issues, data, resolved, secrets))];

  // The pair is the ledger's key for everything this config does: `pair:`, else the file name.
  const declared = valueAt(data, ['pair']);
  const fromFile = basename(file, extname(file));
  const pair = typeof declared === 'string' ? declared : fromFile;
  if (typeof declared !== 'string' && !PAIR_NAME.test(fromFile)) {
    problems.push({
      path: [],
      message: `the file name '${fromFile}' is not a valid pair name (lower-case letters, digits and dashes): rename the file or set pair: in it`,
    });
  }
  if (problems.length > 0 || !parsed.success) {
    // Top to bottom, the order the operator reads the file in.
    const located = problems.map((p) => ({ line: lineOf(source, p.path) ?? 0, text: formatProblem(shown, source, p) }));
    throw invalid(located.sort((a, b) => a.line - b.line).map((p) => p.text));
  }

  return { pair, file, dir: dirname(file), config: { ...parsed.data, pair } };
}

/** zod's issues as operator problems, minus those about values whose resolution already failed. */
function schemaProblems(issues: readonly z.core.$ZodIssue[], data: unknown, resolved: Resolved, secrets: Redactor): ConfigProblem[] {
  const ctx = {
    valueAt: (path: KeyPath) => valueAt(data, path),
    knownKeysAt: (path: KeyPath) => knownKeysAt(PairConfig, data, path),
    redact: (t: string) => secrets.text(t),
  };
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    if (resolved.failed.some((bad) => startsWith(issue.path as KeyPath, bad))) continue; // already reported
    for (const p of problemsOfIssue(issue, ctx)) {
      // A wrong value is fixed where it came from: say which variable that was.
      const vars = issue.code === 'unrecognized_keys' ? undefined : resolved.origins.get(formatKeyPath(p.path));
      problems.push(vars ? { ...p, message: `${p.message} (from ${vars.join(', ')})` } : p);
    }
  }
  return problems;
}

function configInvalid(shown: string, problems: string[]): ConfigError {
  return new ConfigError(`Configuration ${shown} is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`, problems, { system: 'config' });
}

function formatProblem(shown: string, source: YamlSource, problem: ConfigProblem): string {
  if (problem.path.length === 0) return `${shown}: ${problem.message}`;
  const line = lineOf(source, problem.path);
  return `${shown}: ${formatKeyPath(problem.path)}${line !== undefined ? ` (line ${line})` : ''}: ${problem.message}`;
}

interface Resolved {
  problems: ConfigProblem[];
  /** Paths whose value could not be resolved; zod's complaints about them would only repeat the problem. */
  failed: KeyPath[];
  /** Key path → the environment variables its value came from. */
  origins: Map<string, string[]>;
}

/** Interpolates `${…}` and resolves `secret:<name>` in every string value, in place in the document. */
function resolveValues(
  source: YamlSource,
  env: NodeJS.ProcessEnv,
  resolveSecret: LoadOptions['resolveSecret'],
  learn: (secret: string) => void,
): Resolved {
  const out: Resolved = { problems: [], failed: [], origins: new Map() };
  forEachStringValue(source, (node, path) => {
    const reference = SECRET_REFERENCE.exec(node.value);
    if (reference) {
      const name = reference[1]!;
      const value = SECRET_NAME.test(name) ? resolveSecret?.(name) : undefined;
      if (value === undefined) {
        out.problems.push({
          path,
          message: SECRET_NAME.test(name)
            ? `secret '${name}' is not stored (mlsync secrets set ${name})`
            : `'secret:${name}' is not a valid secret reference: a name is letters, digits, '.', '_' and '-'`,
        });
        out.failed.push(path);
        return;
      }
      learn(value);
      node.value = value;
      return;
    }
    const result = interpolate(node.value, env);
    if (result.vars.length > 0) out.origins.set(formatKeyPath(path), result.vars);
    if (result.problems.length > 0) {
      for (const message of result.problems) out.problems.push({ path, message });
      out.failed.push(path);
      return;
    }
    node.value = result.value;
  });
  return out;
}

/** `tokenUrl:` with nothing after it means "not set": the key takes its default, or is reported missing. */
function withoutEmptyValues(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutEmptyValues);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutEmptyValues(v);
    return out;
  }
  return value;
}

function startsWith(path: KeyPath, prefix: KeyPath): boolean {
  return prefix.length <= path.length && prefix.every((seg, i) => seg === path[i]);
}
