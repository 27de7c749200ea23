/**
 * Collects the HTTP exchanges made while one record is handled, so its audit entries can say which calls
 * were made and what came back. It sits where the trace file sits (every exchange passes it, already
 * redacted by the client) and hands each exchange on to the trace file when there is one.
 */
import type { TraceEntry, TraceSink } from './types.js';

/** One exchange as the audit trail keeps it: short, redacted. */
export interface RecordedCall {
  system: string;
  method: string;
  /** Path and query, without the host. */
  url: string;
  status?: number;
  attempt: number;
  durationMs: number;
  error?: string;
  /** The start of the response body when the call did not succeed. */
  response?: string;
}

const RESPONSE_KEPT = 300;

function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}

export class CallRecorder implements TraceSink {
  private buffer: RecordedCall[] | undefined;

  constructor(private readonly next?: TraceSink) {}

  write(entry: TraceEntry): void {
    this.next?.write(entry);
    if (!this.buffer) return;
    const failed = entry.error !== undefined || (entry.status !== undefined && entry.status >= 400);
    this.buffer.push({
      system: entry.system,
      method: entry.method,
      url: pathOf(entry.url),
      ...(entry.status !== undefined ? { status: entry.status } : {}),
      attempt: entry.attempt,
      durationMs: entry.durationMs,
      ...(entry.error ? { error: entry.error } : {}),
      ...(failed && entry.responseBody ? { response: entry.responseBody.slice(0, RESPONSE_KEPT) } : {}),
    });
  }

  /** Start collecting; the returned function stops and returns what was collected since. */
  capture(): () => RecordedCall[] {
    const mine: RecordedCall[] = [];
    this.buffer = mine;
    return () => {
      if (this.buffer === mine) this.buffer = undefined;
      return mine;
    };
  }

  async close(): Promise<void> {
    await this.next?.close();
  }
}
