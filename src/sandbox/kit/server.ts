/**
 * A tiny HTTP server kit shared by the simulators: routing, raw bodies, a request log, a shiftable
 * clock and a loopback listener. Simulators are independent implementations of the vendor APIs from
 * the references in shared/apis; this kit holds only plumbing, no vendor behaviour.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SimRequest {
  method: string;
  /** Path without the query string, percent-decoding left to the route. */
  path: string;
  /** Raw query string without '?'. */
  rawQuery: string;
  query: URLSearchParams;
  /** Header names lower-cased. */
  headers: http.IncomingHttpHeaders;
  /** Raw body bytes. */
  body: Buffer;
  /** Path parameters captured by the route pattern. */
  params: Record<string, string>;
  /** The full URL as the client sent it (path + query). */
  url: string;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** Objects and arrays are sent as JSON; strings and Buffers as they are. */
  body?: unknown;
  /** Close the connection without any answer (a connection reset). */
  destroy?: boolean;
  /** Wait this long before answering. */
  delayMs?: number;
}

export type Handler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

export interface LoggedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  status: number;
  ts: string;
}

/** Clock that tests and `/_sim/clock` can shift, so token expiry and watermarks can be exercised. */
export class SimClock {
  offsetSeconds = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetSeconds * 1000);
  }
  nowMs(): number {
    return Date.now() + this.offsetSeconds * 1000;
  }
}

export class SimServer {
  private readonly routes: Route[] = [];
  private server: http.Server | undefined;
  readonly log: LoggedRequest[] = [];
  readonly clock = new SimClock();
  /** Largest request log kept (oldest dropped). */
  maxLog = 20_000;
  /** Largest accepted body in bytes; larger bodies are handed to `onTooLarge`. */
  maxBodyBytes = 8 * 1024 * 1024;
  onTooLarge: Handler = () => ({ status: 413, body: { message: 'Request Too Long' } });
  /** Runs before routing; returning a response short-circuits (fault injection, rate limits). */
  before: ((req: SimRequest) => SimResponse | undefined | Promise<SimResponse | undefined>) | undefined;
  notFound: Handler = () => ({ status: 404, body: '' });

  /** `pattern` like '/v1/vendors/:externalCode'; ':name' matches one path segment, '*name' the rest. */
  route(method: string, pattern: string, handler: Handler): this {
    const names: string[] = [];
    const source = pattern
      .split('/')
      .map((seg) => {
        if (seg.startsWith(':')) {
          names.push(seg.slice(1));
          return '([^/]+)';
        }
        if (seg.startsWith('*')) {
          names.push(seg.slice(1));
          return '(.*)';
        }
        return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    this.routes.push({ method: method.toUpperCase(), pattern: new RegExp(`^${source}$`), names, handler });
    return this;
  }

  /** Listen on loopback; port 0 picks a free one. Returns the base URL. */
  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: `simulator error: ${String(err)}` }));
        }
      });
    });
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    const addr = this.server.address() as AddressInfo;
    return `http://${host}:${addr.port}`;
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | undefined)?.port ?? 0;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q >= 0 ? url.slice(0, q) : url;
    const rawQuery = q >= 0 ? url.slice(q + 1) : '';
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > this.maxBodyBytes) tooLarge = true;
      else chunks.push(chunk as Buffer);
    }
    const simReq: SimRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      path,
      rawQuery,
      query: new URLSearchParams(rawQuery),
      headers: req.headers,
      body: Buffer.concat(chunks),
      params: {},
      url,
    };
    let response: SimResponse;
    if (tooLarge) {
      response = await this.onTooLarge(simReq);
    } else {
      response = (await this.before?.(simReq)) ?? (await this.dispatch(simReq));
    }
    this.record(simReq, response.destroy ? 0 : response.status);
    if (response.delayMs) await new Promise((r) => setTimeout(r, response.delayMs));
    if (response.destroy) {
      req.socket.destroy();
      return;
    }
    const headers: Record<string, string> = { ...response.headers };
    let payload: string | Buffer = '';
    if (Buffer.isBuffer(response.body)) payload = response.body;
    else if (typeof response.body === 'string') payload = response.body;
    else if (response.body !== undefined) {
      payload = JSON.stringify(response.body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
        headers['content-type'] = 'application/json; charset=utf-8';
      }
    }
    res.writeHead(response.status, headers);
    res.end(payload);
  }

  private async dispatch(req: SimRequest): Promise<SimResponse> {
    let methodMismatch = false;
    for (const r of this.routes) {
      const m = r.pattern.exec(req.path);
      if (!m) continue;
      if (r.method !== req.method && r.method !== '*') {
        methodMismatch = true;
        continue;
      }
      r.names.forEach((name, i) => {
        req.params[name] = decodeURIComponent(m[i + 1] ?? '');
      });
      return r.handler(req);
    }
    if (methodMismatch) return { status: 405, body: { error: 'Method Not Allowed' } };
    return this.notFound(req);
  }

  private record(req: SimRequest, status: number): void {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    this.log.push({ method: req.method, url: req.url, headers, status, ts: this.clock.now().toISOString() });
    if (this.log.length > this.maxLog) this.log.splice(0, this.log.length - this.maxLog);
  }
}

/** Parse a JSON body; undefined when it is not JSON. */
export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
