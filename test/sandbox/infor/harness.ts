/** Test client for the Infor simulator: plain fetch, the way an outside caller sees it. */
import { startInforSimulator, type InforSimOptions, type InforSimulator, type IonApiJson } from '../../../src/sandbox/infor/index.js';

export interface Call {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the raw text when it is not JSON. */
  body: any;
}

export interface Envelope {
  results: { transaction: string; records?: Record<string, string>[]; errorMessage?: string; errorType?: string; errorCode?: string; errorField?: string }[];
  wasTerminated: boolean;
  nrOfSuccessfullTransactions: number;
  nrOfFailedTransactions: number;
}

async function toCall(res: Response): Promise<Call> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : '';
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body };
}

export function basic(ci: string, cs: string): string {
  return `Basic ${Buffer.from(`${ci}:${cs}`).toString('base64')}`;
}

/** POST to the token endpoint of an .ionapi with form fields; client auth by Basic unless `clientAuth: 'body'`. */
export async function tokenRequest(
  io: IonApiJson,
  form: Record<string, string>,
  opts: { clientAuth?: 'basic' | 'body' | 'none'; cs?: string } = {},
): Promise<Call> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const fields = { ...form };
  const cs = opts.cs ?? io.cs;
  if ((opts.clientAuth ?? 'basic') === 'basic') headers.authorization = basic(io.ci, cs);
  else if (opts.clientAuth === 'body') Object.assign(fields, { client_id: io.ci, client_secret: cs });
  const res = await fetch(io.pu + io.ot, { method: 'POST', headers, body: new URLSearchParams(fields).toString() });
  return toCall(res);
}

export async function passwordGrant(io: IonApiJson): Promise<Call> {
  return tokenRequest(io, { grant_type: 'password', username: io.saak, password: io.sask });
}

export class M3Client {
  token = '';
  refreshToken: string | undefined;
  constructor(readonly sim: InforSimulator, readonly io: IonApiJson = sim.ionapi) {}

  async login(): Promise<string> {
    const res = await passwordGrant(this.io);
    if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${JSON.stringify(res.body)}`);
    this.token = res.body.access_token;
    this.refreshToken = res.body.refresh_token;
    return this.token;
  }

  url(program: string, transaction: string, params: Record<string, string> = {}): string {
    const qs = new URLSearchParams(params).toString();
    return `${this.io.iu}/${this.io.ti}/M3/m3api-rest/v2/execute/${program}/${transaction}${qs ? `?${qs}` : ''}`;
  }

  async raw(method: string, url: string, token: string | undefined = this.token): Promise<Call> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    return toCall(await fetch(url, { method, headers }));
  }

  /** GET a transaction; `righttrim=true` is added unless params say otherwise. */
  async call(program: string, transaction: string, params: Record<string, string> = {}): Promise<Call> {
    return this.raw('GET', this.url(program, transaction, { righttrim: 'true', ...params }));
  }

  /** Records of a successful call; fails the test on anything else. */
  async records(program: string, transaction: string, params: Record<string, string> = {}): Promise<Record<string, string>[]> {
    const res = await this.call(program, transaction, params);
    const env = res.body as Envelope;
    if (res.status !== 200 || env.nrOfFailedTransactions !== 0) {
      throw new Error(`${program}/${transaction} failed: ${res.status} ${JSON.stringify(res.body)}`);
    }
    return env.results[0]!.records ?? [];
  }

  /** The errorMessage of a call that must be a business error. */
  async error(program: string, transaction: string, params: Record<string, string> = {}): Promise<Envelope['results'][number]> {
    const res = await this.call(program, transaction, params);
    const env = res.body as Envelope;
    if (res.status !== 200 || env.nrOfFailedTransactions !== 1) {
      throw new Error(`${program}/${transaction} expected a business error: ${res.status} ${JSON.stringify(res.body)}`);
    }
    return env.results[0]!;
  }
}

export async function startWithClient(opts: InforSimOptions = {}): Promise<{ sim: InforSimulator; m3: M3Client }> {
  const sim = await startInforSimulator(opts);
  const m3 = new M3Client(sim);
  await m3.login();
  return { sim, m3 };
}

/** JSON request to a control endpoint. */
export async function control(sim: InforSimulator, method: string, path: string, body?: unknown): Promise<Call> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers = { 'content-type': 'application/json' };
  }
  return toCall(await fetch(`${sim.url}${path}`, init));
}

/** Seconds from an instant to the next UTC midnight. */
export function secondsToUtcMidnight(nowMs: number): number {
  const d = new Date(nowMs);
  const midnight = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
  return Math.ceil((midnight - nowMs) / 1000);
}
