/**
 * A nock double of the ION API gateway and token endpoint for connector tests: records every call
 * exactly as it reached the wire, and answers from per-transaction handlers (apis/infor.md §4 shapes).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nock from 'nock';
import { InforConfig } from '../../../src/connectors/infor/config.js';
import { createInforConnector } from '../../../src/connectors/infor/connector.js';
import type { InforConnectorOptions } from '../../../src/connectors/infor/connector.js';
import type { ConnectorDeps } from '../../../src/connectors/types.js';
import { Redactor } from '../../../src/secrets/redactor.js';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const IU = 'https://mingle-ionapi.example.test';
export const SSO = 'https://mingle-sso.example.test:443';
export const TOKEN_PATH = '/ACME_PRD/as/token.oauth2';
export const GATEWAY = '/ACME_PRD/M3/m3api-rest/v2/execute/';
export const NOW = new Date('2024-07-01T12:00:00.000Z');

export const ionapi = JSON.parse(readFileSync(join(HERE, 'fixtures/tenant.ionapi'), 'utf8')) as Record<string, string>;

export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(HERE, 'fixtures', name), 'utf8')) as T;
}

export type M3Row = Record<string, string>;

export interface M3Call {
  name: string;
  params: URLSearchParams;
  /** Path and query exactly as sent (encoding included). */
  uri: string;
  authorization: string | undefined;
}

export type M3Answer =
  | { records: M3Row[] }
  | { error: string }
  | { status: number; body?: unknown; headers?: Record<string, string> }
  /** Answer only after a pause: longer than the client's timeout, it is a request that got no answer. */
  | { delayMs: number; answer: M3Answer };
export type M3Handler = (call: M3Call) => M3Answer;

export interface TokenRequest {
  body: URLSearchParams;
  raw: string;
  authorization: string | undefined;
}

export function envelope(transaction: string, records: M3Row[]) {
  return { results: [{ transaction, records }], wasTerminated: false, nrOfSuccessfullTransactions: 1, nrOfFailedTransactions: 0 };
}

export function fakeInfor() {
  const calls: M3Call[] = [];
  const tokenRequests: TokenRequest[] = [];
  const handlers = new Map<string, M3Handler>();
  let tokenAnswer: (n: number, req: TokenRequest) => [number, unknown] = (n) => [
    200,
    { access_token: `access-${n}`, refresh_token: `refresh-${n}`, token_type: 'Bearer', expires_in: 7200 },
  ];

  nock(IU)
    .persist()
    .get((uri) => uri.startsWith(GATEWAY))
    .reply(async function (uri) {
      const [path, query = ''] = uri.split('?');
      const name = (path as string).slice(GATEWAY.length);
      const auth = this.req.headers.authorization;
      const call: M3Call = { name, params: new URLSearchParams(query), uri, authorization: Array.isArray(auth) ? auth[0] : auth };
      calls.push(call);
      const handler = handlers.get(name);
      if (!handler) return [404, { error: 'Not Found', message: `Program ${name.split('/')[0]} not found` }];
      let answer = handler(call);
      while ('delayMs' in answer) {
        const { delayMs } = answer;
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        answer = answer.answer;
      }
      const transaction = name.split('/')[1] as string;
      if ('records' in answer) return [200, envelope(transaction, answer.records)];
      if ('error' in answer) {
        return [
          200,
          {
            results: [{ transaction, errorMessage: `${answer.error}   `, errorType: 'ServerReturnedNOK', records: [] }],
            wasTerminated: false,
            nrOfSuccessfullTransactions: 0,
            nrOfFailedTransactions: 1,
          },
        ];
      }
      return [answer.status, answer.body ?? '', answer.headers ?? {}];
    });

  nock(SSO)
    .persist()
    .post(TOKEN_PATH)
    .reply(function (_uri, body) {
      const raw = String(body);
      const auth = this.req.headers.authorization;
      const req: TokenRequest = { body: new URLSearchParams(raw), raw, authorization: Array.isArray(auth) ? auth[0] : auth };
      tokenRequests.push(req);
      return tokenAnswer(tokenRequests.length, req);
    });

  return {
    calls,
    tokenRequests,
    on(name: string, handler: M3Handler) {
      handlers.set(name, handler);
    },
    /** The handler now answering `name`, to wrap it with a fault. */
    handlerOf(name: string): M3Handler {
      const handler = handlers.get(name);
      if (!handler) throw new Error(`no handler for ${name}`);
      return handler;
    },
    onToken(answer: (n: number, req: TokenRequest) => [number, unknown]) {
      tokenAnswer = answer;
    },
    callsTo(name: string) {
      return calls.filter((c) => c.name === name);
    },
  };
}

/** Key paging as M3 does it (§6.1): sorted by key, from-key inclusive, at most maxrecs. */
export function keyPage(rows: M3Row[], keyField: string, from: string | null, maxrecs: string | null): M3Row[] {
  const sorted = [...rows].sort((a, b) => ((a[keyField] ?? '') < (b[keyField] ?? '') ? -1 : 1));
  const start = from ? sorted.filter((r) => (r[keyField] ?? '') >= from) : sorted;
  const n = Number(maxrecs ?? '100');
  return n > 0 ? start.slice(0, n) : start;
}

export function inforConfig(overrides: Record<string, unknown> = {}): InforConfig {
  const { m3, http, ...rest } = overrides as { m3?: object; http?: object };
  return InforConfig.parse({
    system: 'infor',
    ionapi: 'fixtures/tenant.ionapi',
    company: '100',
    division: 'AAA',
    ...rest,
    m3: { pageSize: 3, ...m3 },
    http: { retryAttempts: 2, retryBaseMs: 1, retryMaxMs: 2, requestsPerMinute: 0, ...http },
  });
}

export function makeInfor(overrides: Record<string, unknown> = {}, deps: Partial<ConnectorDeps> = {}, options: InforConnectorOptions = {}) {
  const redactor = deps.redactor ?? new Redactor();
  const connector = createInforConnector(
    inforConfig(overrides),
    { redactor, configDir: HERE, now: () => NOW, ...deps },
    { sleep: async () => {}, ...options },
  );
  return { connector, redactor };
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
