/**
 * How request URLs and form bodies are spelled. Values are percent-encoded strictly (RFC 3986
 * unreserved characters only), because M3 needs `'`, `<`, `>`, `=`, spaces and `#` encoded inside a
 * QERY value (apis/infor.md §5) and an .ionapi `saak` holds a `#` that must reach the token endpoint as %23 (§3).
 */
import type { QueryValue } from './types.js';

/** encodeURIComponent leaves !'()* alone; M3 query values and OAuth form fields need them encoded too. */
export function encodeComponent(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function queryPairs(query: Record<string, QueryValue> | Array<[string, string]>): Array<[string, string]> {
  if (Array.isArray(query)) return query;
  const pairs: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) pairs.push([name, String(value)]);
  }
  return pairs;
}

/** `a=1&b=x%20y`, in the order given. */
export function encodePairs(pairs: Array<[string, string]>): string {
  return pairs.map(([name, value]) => `${encodeComponent(name)}=${encodeComponent(value)}`).join('&');
}

/** An application/x-www-form-urlencoded body; spaces as %20, which every form decoder reads as a space. */
export function formBody(form: Record<string, string>): string {
  return encodePairs(Object.entries(form));
}

const ABSOLUTE_URL = /^https?:\/\//i;

/**
 * The URL a request goes to: absolute URLs as given, relative ones joined to the base with exactly one
 * slash between them, then the query appended in order (after any query the URL already has).
 */
export function buildUrl(
  baseUrl: string | undefined,
  url: string,
  query?: Record<string, QueryValue> | Array<[string, string]>,
): string {
  let full: string;
  if (ABSOLUTE_URL.test(url) || !baseUrl) {
    full = url;
  } else {
    full = `${baseUrl.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
  }
  if (!query) return full;
  const encoded = encodePairs(queryPairs(query));
  if (!encoded) return full;
  return `${full}${full.includes('?') ? '&' : '?'}${encoded}`;
}
