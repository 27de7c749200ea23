/**
 * The one place that scrubs secrets. It knows every secret value loaded this run (config values from
 * secret references and secret environment variables, .ionapi keys, tokens as they are issued) and
 * masks them anywhere in text; it also masks fields whose names say they are secret, whatever their
 * value. Logs, errors, audit entries, traces and --json output all pass through it.
 */

export const MASK = '***';

/** Field names (compared case-insensitively, ignoring - and _) whose values are always masked. */
const SECRET_FIELD_NAMES = [
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'password',
  'passwd',
  'clientsecret',
  'secret',
  'cs',
  'sask',
  'saak',
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'apikey',
  'webhookauthenticationtoken',
  'xbwapisignature256',
  // Pre-signed URLs are bearer credentials until they expire (apis/basware.md §3.3).
  'xamzsignature',
  'xamzcredential',
  'xamzsecuritytoken',
];

function normalise(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}

const SECRET_FIELDS = new Set(SECRET_FIELD_NAMES);

export function isSecretFieldName(name: string): boolean {
  return SECRET_FIELDS.has(normalise(name));
}

/** Values shorter than this are not learned: they would mask ordinary text. */
const MIN_SECRET_LENGTH = 4;

/** Credentials in well-known text forms, whatever their value. */
const BEARER_OR_BASIC = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g;
/** A header written as text (`Cookie: a=b; c=d`): the rest of the line, or of the quoted string it is in. */
const HEADER_LINE = /\b((?:proxy-)?authorization|(?:set-)?cookie)(\s*:\s*"?)[^\r\n"]*/gi;
/** `name=value` in a form body, query string or log line. */
const FORM_FIELD = /(?<![A-Za-z0-9_-])([A-Za-z][A-Za-z0-9_-]*)=([^&\s"]+)/g;
/** `"name": "value"` in JSON text, escaped quotes inside the value included. */
const JSON_FIELD = /"([A-Za-z][A-Za-z0-9_-]*)"(\s*:\s*)"(?:[^"\\]|\\.)*"/g;
/** The password of `scheme://user:password@host` (a proxy URL given as base URL). */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@"]+:)[^\s/@"]+@/gi;

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class Redactor {
  private readonly values = new Set<string>();
  private pattern: RegExp | undefined;

  /** Remember a secret value; every later redaction masks it. Values shorter than 4 characters are ignored (they would mask ordinary text). */
  add(value: string | undefined | null): void {
    if (!value || value.length < MIN_SECRET_LENGTH || this.values.has(value)) return;
    // Whatever this redactor learns, the process's last line of defence learns too (see redactProcessText).
    if (this !== processWide) processWide.add(value);
    this.values.add(value);
    // Form-encoded and URL-encoded spellings leak too (a '#' becomes %23 in a token request).
    const encoded = encodeURIComponent(value);
    if (encoded !== value) this.values.add(encoded);
    const formEncoded = encoded.replace(/%20/g, '+');
    if (formEncoded !== encoded) this.values.add(formEncoded);
    // A value inside a JSON string is written with its quotes and backslashes escaped.
    const jsonEscaped = JSON.stringify(value).slice(1, -1);
    if (jsonEscaped !== value && jsonEscaped.length >= MIN_SECRET_LENGTH) this.values.add(jsonEscaped);
    this.pattern = undefined;
  }

  /** How many secret values are known (for tests and diagnostics). */
  get size(): number {
    return this.values.size;
  }

  /** Mask every known secret value inside a string, and credentials in well-known text forms. */
  text(input: string): string {
    let out = input;
    if (this.values.size > 0) {
      this.pattern ??= new RegExp(
        [...this.values]
          .sort((a, b) => b.length - a.length)
          .map(escapeRegExp)
          .join('|'),
        'g',
      );
      out = out.replace(this.pattern, MASK);
    }
    out = out.replace(BEARER_OR_BASIC, `$1 ${MASK}`);
    out = out.replace(HEADER_LINE, `$1$2${MASK}`);
    out = out.replace(URL_USERINFO, `$1${MASK}@`);
    out = out.replace(FORM_FIELD, (whole, name: string) => (isSecretFieldName(name) ? `${name}=${MASK}` : whole));
    out = out.replace(JSON_FIELD, (whole, name: string, colon: string) => (isSecretFieldName(name) ? `"${name}"${colon}"${MASK}"` : whole));
    return out;
  }

  /** Headers with secret-named headers masked and known values scrubbed. */
  headers(headers: Record<string, string | string[] | undefined>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, raw] of Object.entries(headers)) {
      if (raw === undefined) continue;
      const value = Array.isArray(raw) ? raw.join(', ') : raw;
      out[name] = isSecretFieldName(name) ? MASK : this.text(value);
    }
    return out;
  }

  /** A deep copy of a JSON-like value with secret-named fields masked and known values scrubbed. */
  value<T>(input: T): T {
    return this.walk(input, 0) as T;
  }

  private walk(input: unknown, depth: number): unknown {
    if (depth > 32) return MASK;
    if (typeof input === 'string') return this.text(input);
    if (Array.isArray(input)) return input.map((v) => this.walk(v, depth + 1));
    if (input && typeof input === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
        out[k] = isSecretFieldName(k) && v !== null && v !== undefined && v !== '' ? MASK : this.walk(v, depth + 1);
      }
      return out;
    }
    return input;
  }
}

/** Every value any redactor of this process has learned. */
const processWide = new Redactor();

/**
 * Text scrubbed of every secret any redactor of this process has learned. For the paths that run outside
 * a command's own redactor: bin/mlsync.js prints an internal error's stack with it, and an error's message
 * may quote a secret.
 */
export function redactProcessText(text: string): string {
  return processWide.text(text);
}
