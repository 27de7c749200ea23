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
];

function normalise(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}

const SECRET_FIELDS = new Set(SECRET_FIELD_NAMES);

export function isSecretFieldName(name: string): boolean {
  return SECRET_FIELDS.has(normalise(name));
}

export class Redactor {
  private readonly values = new Set<string>();
  private pattern: RegExp | undefined;

  /** Remember a secret value; every later redaction masks it. Values shorter than 4 characters are ignored (they would mask ordinary text). */
  add(value: string | undefined | null): void {
    if (!value || value.length < 4 || this.values.has(value)) return;
    this.values.add(value);
    // Form-encoded and URL-encoded spellings leak too (a '#' becomes %23 in a token request).
    const encoded = encodeURIComponent(value);
    if (encoded !== value) this.values.add(encoded);
    const formEncoded = encoded.replace(/%20/g, '+');
    if (formEncoded !== encoded) this.values.add(formEncoded);
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
          .map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('|'),
        'g',
      );
      out = out.replace(this.pattern, MASK);
    }
    // Bearer and Basic credentials, and key=value pairs of secret-named form fields.
    out = out.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, `$1 ${MASK}`);
    // Pre-signed URLs are bearer credentials until they expire (apis/basware.md §3.3): mask their signature too.
    out = out.replace(
      /\b(password|client_secret|refresh_token|access_token|sask|saak|token|X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token)=([^&\s"]+)/gi,
      `$1=${MASK}`,
    );
    out = out.replace(
      /"(password|client_secret|clientSecret|refresh_token|access_token|accessToken|refreshToken|sask|saak|cs|token|webhookAuthenticationToken)"\s*:\s*"[^"]*"/g,
      `"$1":"${MASK}"`,
    );
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
