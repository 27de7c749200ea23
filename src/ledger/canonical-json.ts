/**
 * JSON with object keys sorted at every level and no whitespace: the same value always gives the same
 * text, so an audit entry's hash can be recomputed from what was stored. Values that JSON drops
 * (undefined, functions) are dropped here too; non-finite numbers become null, as in JSON.stringify.
 */

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(JSON.parse(JSON.stringify(value ?? null)) as unknown));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}
