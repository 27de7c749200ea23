/**
 * JSON with object keys sorted at every level and no whitespace: the same value always gives the same
 * text, so an audit entry's hash can be recomputed from what was stored. Otherwise JSON.stringify's
 * rules (toJSON, undefined dropped, non-finite numbers → null).
 */

function sortedKeys(_key: string, value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) out[k] = (value as Record<string, unknown>)[k];
  return out;
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(value ?? null, sortedKeys) ?? 'null';
}
