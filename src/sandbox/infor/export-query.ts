/**
 * The EXPORTMI/Select query grammar of the simulator (apis/infor.md §5.3, MODELED):
 *   COL[,COL]* from TABLE [where COND [and COND]*]     COND := COL (=|<>|>|>=|<|<=) (integer | 'string')
 * Keywords are case-insensitive; names are upper-cased. Anything else is "Invalid query".
 */
import { compareDecimal, isDecimal } from './amounts.js';

export type Operator = '=' | '<>' | '>' | '>=' | '<' | '<=';

export interface Condition {
  column: string;
  op: Operator;
  literal: { kind: 'integer' | 'string'; value: string };
}

export interface SelectQuery {
  columns: string[];
  table: string;
  conditions: Condition[];
}

type Token =
  | { kind: 'word'; value: string }
  | { kind: 'integer'; value: string }
  | { kind: 'string'; value: string }
  | { kind: 'op'; value: Operator }
  | { kind: 'comma' };

export class InvalidQuery extends Error {}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    const integer = /^-?\d+/.exec(rest);
    const op = /^(<>|>=|<=|=|<|>)/.exec(rest);
    if (word) {
      tokens.push({ kind: 'word', value: word[0] });
      i += word[0].length;
    } else if (integer) {
      tokens.push({ kind: 'integer', value: integer[0] });
      i += integer[0].length;
    } else if (op) {
      tokens.push({ kind: 'op', value: op[0] as Operator });
      i += op[0].length;
    } else if (rest[0] === ',') {
      tokens.push({ kind: 'comma' });
      i += 1;
    } else if (rest[0] === "'") {
      // '' inside a string is one quote, as in SQL.
      const str = /^'((?:[^']|'')*)'/.exec(rest);
      if (!str) throw new InvalidQuery('unterminated string');
      tokens.push({ kind: 'string', value: str[1]!.replace(/''/g, "'") });
      i += str[0].length;
    } else {
      throw new InvalidQuery(`unexpected ${rest[0]}`);
    }
  }
  return tokens;
}

/** Parse a query; throws InvalidQuery. Column and table names are not checked here. */
export function parseSelect(text: string): SelectQuery {
  const tokens = tokenize(text);
  let pos = 0;
  const next = (): Token | undefined => tokens[pos++];
  const keyword = (t: Token | undefined, kw: string): boolean => t?.kind === 'word' && t.value.toLowerCase() === kw;
  const name = (t: Token | undefined): string => {
    if (t?.kind !== 'word' || ['from', 'where', 'and'].includes(t.value.toLowerCase())) throw new InvalidQuery('name expected');
    return t.value.toUpperCase();
  };

  const columns = [name(next())];
  while (tokens[pos]?.kind === 'comma') {
    pos += 1;
    columns.push(name(next()));
  }
  if (!keyword(next(), 'from')) throw new InvalidQuery('from expected');
  const table = name(next());
  const conditions: Condition[] = [];
  if (pos < tokens.length) {
    if (!keyword(next(), 'where')) throw new InvalidQuery('where expected');
    for (;;) {
      const column = name(next());
      const op = next();
      const lit = next();
      if (op?.kind !== 'op') throw new InvalidQuery('operator expected');
      if (lit?.kind !== 'integer' && lit?.kind !== 'string') throw new InvalidQuery('value expected');
      conditions.push({ column, op: op.value, literal: { kind: lit.kind, value: lit.value } });
      if (!keyword(tokens[pos], 'and')) break;
      pos += 1;
    }
    if (pos < tokens.length) throw new InvalidQuery('end of query expected');
  }
  return { columns, table, conditions };
}

/** Does a (trimmed) column value satisfy the condition? Integers compare numerically, strings as text. */
export function matches(value: string, cond: Condition): boolean {
  const v = value.trim();
  let cmp: number;
  if (cond.literal.kind === 'integer' && (v === '' || isDecimal(v))) cmp = compareDecimal(v, cond.literal.value);
  else cmp = v < cond.literal.value ? -1 : v > cond.literal.value ? 1 : 0;
  switch (cond.op) {
    case '=':
      return cmp === 0;
    case '<>':
      return cmp !== 0;
    case '>':
      return cmp > 0;
    case '>=':
      return cmp >= 0;
    case '<':
      return cmp < 0;
    case '<=':
      return cmp <= 0;
  }
}
