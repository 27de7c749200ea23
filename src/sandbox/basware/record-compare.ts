/**
 * The NotProcessed rule (apis/basware.md §4.4, MODELED): a posted record is unchanged when it deep-equals
 * the stored one after removing `lastUpdated` and null-valued properties; object keys are unordered,
 * arrays ordered. Fields Basware generates itself (vendor `buvid`) are left out of the comparison too,
 * since clients never send them.
 */
import type { JsonRecord } from './store.js';

/** A copy without null-valued object properties, at every depth (null means "not sent", §3.1). */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value === 'object' && value !== null) {
    const out: JsonRecord = {};
    for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = withoutNulls(v);
    return out;
  }
  return value;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => deepEqual(item, b[i]));
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && deepEqual((a as JsonRecord)[k], (b as JsonRecord)[k]));
}

function comparable(record: JsonRecord, ignored: readonly string[]): unknown {
  const copy: JsonRecord = { ...record };
  delete copy.lastUpdated;
  for (const field of ignored) delete copy[field];
  return withoutNulls(copy);
}

export function sameContent(stored: JsonRecord, posted: JsonRecord, generatedFields: readonly string[]): boolean {
  return deepEqual(comparable(stored, generatedFields), comparable(posted, generatedFields));
}
