/** A nock double of the Basware P2P API (apis/basware.md §2–§4) that records what reached the wire. */
import nock from 'nock';
import { BaswareConfig } from '../../../src/connectors/basware/config.js';
import { createBaswareConnector } from '../../../src/connectors/basware/connector.js';
import { Redactor } from '../../../src/secrets/redactor.js';

export const BASE = 'https://test-api.basware.com';
export const NOW = new Date('2024-03-19T09:30:00.000Z');
export const SECRET = 'bw-secret-4f1c2b9e';

export interface Post {
  path: string;
  body: Array<Record<string, unknown>>;
  headers: Record<string, string | string[] | undefined>;
}

export type Reply = [number, unknown, Record<string, string>?];

function header(h: string | string[] | undefined): string | undefined {
  return Array.isArray(h) ? h[0] : h;
}

export function statusBody(requestId: string, requestStatus: string, items: Array<{ externalCode: string; status: string; message?: string }>) {
  return {
    requestStatus: [
      {
        requestId,
        entityType: 'Vendor',
        requestStatus,
        systems: [
          {
            system: 'P2P',
            module: 'IA',
            systemStatus: requestStatus,
            items: items.map((i) => ({
              externalCode: i.externalCode,
              parentExternalCode: null,
              status: i.status,
              errors: i.message ? [{ type: 'Error', message: i.message, category: 'DataValidation' }] : [],
            })),
          },
        ],
      },
    ],
  };
}

export function fakeBasware() {
  const posts: Post[] = [];
  const polls: Array<{ requestId: string; uri: string; at: number }> = [];
  const tokenRequests: Array<{ body: URLSearchParams; authorization: string | undefined }> = [];
  const apiHeaders: Array<Record<string, string | string[] | undefined>> = [];
  let postAnswer: (post: Post, n: number) => Reply = (post, n) => [200, post.body, { 'x-amzn-RequestId': `req-${n}` }];
  let statusAnswer: (requestId: string, poll: number) => Reply = (id) => [200, statusBody(id, 'Success', [])];
  let vendorsAnswer: () => Reply = () => [404, ''];
  let tokenAnswer: () => Reply = () => [200, { access_token: 'bw-access-1', scope: 'vendors.read', expires_in: 3600, token_type: 'Bearer' }];
  let clock = () => 0;

  nock(BASE)
    .persist()
    .post('/v1/tokens')
    .reply(function (_uri, body) {
      tokenRequests.push({ body: new URLSearchParams(String(body)), authorization: header(this.req.headers.authorization) });
      return tokenAnswer();
    });

  nock(BASE)
    .persist()
    .post((uri) => uri.startsWith('/v1/') && uri !== '/v1/tokens')
    .reply(function (uri, body) {
      const parsed = (typeof body === 'string' ? JSON.parse(body) : body) as Array<Record<string, unknown>>;
      const post: Post = { path: uri, body: parsed, headers: { ...this.req.headers } };
      posts.push(post);
      apiHeaders.push(this.req.headers);
      return postAnswer(post, posts.length);
    });

  const statusPolls = new Map<string, number>();
  nock(BASE)
    .persist()
    .get((uri) => uri.startsWith('/v1/requestStatus/'))
    .reply(function (uri) {
      const requestId = decodeURIComponent((uri.split('?')[0] as string).slice('/v1/requestStatus/'.length));
      const n = (statusPolls.get(requestId) ?? 0) + 1;
      statusPolls.set(requestId, n);
      polls.push({ requestId, uri, at: clock() });
      apiHeaders.push(this.req.headers);
      return statusAnswer(requestId, n);
    });

  nock(BASE)
    .persist()
    .get((uri) => uri.startsWith('/v1/vendors'))
    .reply(function (uri) {
      apiHeaders.push({ ...this.req.headers, ':uri': uri });
      return vendorsAnswer();
    });

  return {
    posts,
    polls,
    tokenRequests,
    apiHeaders,
    postsTo: (path: string) => posts.filter((p) => p.path === path),
    onPost(answer: (post: Post, n: number) => Reply) {
      postAnswer = answer;
    },
    onStatus(answer: (requestId: string, poll: number) => Reply) {
      statusAnswer = answer;
    },
    onVendors(answer: () => Reply) {
      vendorsAnswer = answer;
    },
    onToken(answer: () => Reply) {
      tokenAnswer = answer;
    },
    useClock(now: () => number) {
      clock = now;
    },
  };
}

export function baswareConfig(overrides: Record<string, unknown> = {}): BaswareConfig {
  const { http, requestStatus, ...rest } = overrides as { http?: object; requestStatus?: object };
  return BaswareConfig.parse({
    system: 'basware',
    baseUrl: BASE,
    clientId: 'mlsync-client',
    clientSecret: SECRET,
    companyCode: 'BW00',
    ...rest,
    http: { retryAttempts: 2, retryBaseMs: 1, retryMaxMs: 2, requestsPerMinute: 0, ...http },
    requestStatus: { initialDelayMs: 2000, maxDelayMs: 30_000, maxWaitSeconds: 300, notFoundGraceSeconds: 60, ...requestStatus },
  });
}

/** A connector on a fake clock: sleeping advances it, so phase-2 waits cost no real time. */
export function makeBasware(overrides: Record<string, unknown> = {}) {
  let t = NOW.getTime();
  const sleeps: number[] = [];
  const redactor = new Redactor();
  const connector = createBaswareConnector(
    baswareConfig(overrides),
    { redactor, configDir: '.', now: () => new Date(t) },
    {
      sleep: async (ms) => {
        sleeps.push(ms);
        t += ms;
      },
    },
  );
  return { connector, sleeps, redactor, now: () => t, advance: (ms: number) => (t += ms) };
}
