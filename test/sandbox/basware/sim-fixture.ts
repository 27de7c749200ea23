/**
 * Shared setup for the Basware simulator tests: start an instance with a registered client, fetch
 * tokens, call the API over real HTTP, and build valid records.
 */
import { startBaswareSimulator } from '../../../src/sandbox/basware/index.js';
import type { BaswareSimConfigPatch, BaswareSimOptions, BaswareSimulator } from '../../../src/sandbox/basware/index.js';

export const CLIENT = { client_id: 'mlsync-test', client_secret: 'test-secret-4f1c' };

export const ALL_SCOPES = [
  'vendors.read', 'vendors.write', 'accounts.read', 'accounts.write', 'costCenters.read', 'costCenters.write',
  'lists.read', 'lists.write', 'matchingOrders.read', 'matchingOrders.write', 'matchingOrderLines.read',
  'matchingOrderLines.write', 'requestStatus.read', 'requestStatus.write', 'accountingDocuments.read',
  'accountingDocuments.write',
];

/** Small phase-2 delay so tests stay fast; drain() waits for it. */
export const FAST: BaswareSimConfigPatch = { asyncDelayMs: 50 };

export async function startSim(opts: BaswareSimOptions = {}): Promise<BaswareSimulator> {
  const sim = await startBaswareSimulator({ ...opts, config: { ...FAST, ...opts.config } });
  sim.registerClient({ ...CLIENT, scopes: ALL_SCOPES });
  return sim;
}

export function basic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;
}

export async function requestToken(url: string, scopes: string[] = ALL_SCOPES, client = CLIENT): Promise<Response> {
  return fetch(`${url}/v1/tokens`, {
    method: 'POST',
    headers: { authorization: basic(client.client_id, client.client_secret), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: scopes.join(' ') }).toString(),
  });
}

export async function token(sim: BaswareSimulator, scopes: string[] = ALL_SCOPES): Promise<string> {
  const res = await requestToken(sim.url, scopes);
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
  token?: string;
}

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

/** One API call with a Bearer token, JSON in and out, redirects not followed. */
export async function call(sim: BaswareSimulator, method: string, path: string, opts: CallOptions = {}): Promise<CallResult> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  }
  const res = await fetch(`${sim.url}${path}`, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export function vendor(n: number | string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    externalCode: `V-${n}`,
    vendorCode: `${n}`,
    name: `Vendor ${n}`,
    paymentTerms: { paymentTermCode: 'Net30' },
    companies: [{ companyCode: 'BW00', inheritToChildUnits: true }],
    ...extra,
  };
}

export function account(n: number | string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    externalCode: `A-${n}`,
    accountCode: `${n}`,
    accountNames: [{ language: 'en-US', translation: `Account ${n}` }],
    companies: [{ companyCode: 'BW00', inherit: true, active: true }],
    ...extra,
  };
}

export function costCenter(n: number | string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    externalCode: `CC-${n}`,
    costCenterCode: `${n}`,
    costCenterNames: [{ language: 'en-US', translation: `Cost center ${n}` }],
    companies: [{ companyCode: 'BW00', active: true }],
    ...extra,
  };
}

export function order(n: number | string, supplierCode: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    externalCode: `PO-${n}`,
    orderNumber: `${n}`,
    sourceSystem: 'INFOR-M3',
    companyCode: 'BW00',
    organizationElementCode: 'BW00',
    currencyCode: 'USD',
    supplierCode,
    ...extra,
  };
}

export function line(n: number | string, orderExternalCode: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    externalCode: `L-${n}`,
    orderExternalCode,
    lineNumber: `${n}`,
    quantity: 10,
    matchingMode: 'Standard',
    ...extra,
  };
}

/** POST, then wait for phase 2; returns the POST answer. */
export async function importAndDrain(sim: BaswareSimulator, tok: string, path: string, records: unknown[]): Promise<CallResult> {
  const res = await call(sim, 'POST', path, { token: tok, body: records });
  await sim.drain();
  return res;
}

export async function requestStatusOf(sim: BaswareSimulator, tok: string, requestId: string): Promise<any> {
  const res = await call(sim, 'GET', `/v1/requestStatus/${requestId}`, { token: tok });
  return res.json?.requestStatus?.[0];
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
