/**
 * `${NAME}` and `${NAME:-default}` in config strings, the shell's way: `:-` also applies when the
 * variable is set but empty, a default may itself hold `${…}`, and `$${` writes a literal `${`.
 * Nothing else is special, so a value such as a password with `$` in it passes through as it is.
 */

export interface Interpolation {
  value: string;
  /** Every variable the string referred to (set or not), for "(from BASWARE_BASE_URL)" in messages. */
  vars: string[];
  /** Operator-facing problems, without the key path (the caller adds it). */
  problems: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const OPEN = '${';
const ESCAPED_OPEN = '$${';
const DEFAULT_SEPARATOR = ':-';

export function interpolate(text: string, env: NodeJS.ProcessEnv): Interpolation {
  const result: Interpolation = { value: '', vars: [], problems: [] };
  result.value = expand(text, env, result);
  return result;
}

function expand(text: string, env: NodeJS.ProcessEnv, acc: Interpolation): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith(ESCAPED_OPEN, i)) {
      out += OPEN;
      i += ESCAPED_OPEN.length;
      continue;
    }
    if (!text.startsWith(OPEN, i)) {
      out += text[i];
      i += 1;
      continue;
    }
    const start = i + OPEN.length;
    const name = NAME.exec(text.slice(start))?.[0];
    if (!name) {
      acc.problems.push(`"${OPEN}" must be followed by a variable name such as \${BASWARE_BASE_URL} (write $\${ for a literal "\${")`);
      return out + text.slice(i);
    }
    acc.vars.push(name);
    let j = start + name.length;
    let fallback: string | undefined;
    if (text.startsWith(DEFAULT_SEPARATOR, j)) {
      const end = closingBrace(text, j + DEFAULT_SEPARATOR.length);
      if (end < 0) {
        acc.problems.push(`"\${${name}:-" has no closing "}"`);
        return out + text.slice(i);
      }
      fallback = text.slice(j + DEFAULT_SEPARATOR.length, end);
      j = end;
    }
    if (text[j] !== '}') {
      acc.problems.push(`"\${${name}" must end with "}" or have a default as \${${name}:-value}`);
      return out + text.slice(i);
    }
    const value = env[name];
    if (value !== undefined && (value !== '' || fallback === undefined)) out += value;
    else if (fallback !== undefined) out += expand(fallback, env, acc);
    else acc.problems.push(`environment variable ${name} is not set`);
    i = j + 1;
  }
  return out;
}

/** Index of the `}` that closes a default, skipping nested `${…}`; -1 when there is none. */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  for (let k = from; k < text.length; k++) {
    if (text.startsWith(ESCAPED_OPEN, k)) {
      k += ESCAPED_OPEN.length - 1;
    } else if (text.startsWith(OPEN, k)) {
      depth += 1;
      k += OPEN.length - 1;
    } else if (text[k] === '}') {
      if (depth === 0) return k;
      depth -= 1;
    }
  }
  return -1;
}
