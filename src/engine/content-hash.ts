/**
 * Content hash of a canonical record: SHA-256 of its JSON with object keys sorted and undefined
 * values left out, so the same content always hashes the same whatever order a connector built it in.
 * A record whose hash equals the one last confirmed on the target is not sent again.
 */
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  // Dates and other values that define their JSON form hash as that form, as JSON.stringify would.
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return canonicalJson((value as { toJSON: () => unknown }).toJSON());
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function contentHash(record: unknown): string {
  return createHash('sha256').update(canonicalJson(record)).digest('hex');
}
