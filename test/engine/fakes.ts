/**
 * Fake connectors for the engine tests. They speak the connector contract (src/connectors/types.ts)
 * and remember every call, so a test can assert exactly what the engine read and what reached the
 * "target", and make either side fail at a chosen call.
 */
import type {
  ApConnector,
  ErpConnector,
  MirrorRead,
  MirrorRecordTypes,
  MirrorWrite,
  PingResult,
  ReadContext,
  SourceItem,
  SubmittedBatch,
  WriteOutcome,
} from '../../src/connectors/types.js';
import type { MirrorEntity } from '../../src/model/entities.js';
import type { Supplier } from '../../src/model/master-data.js';

const ERP_SYSTEM = 'fake-erp';
const AP_SYSTEM = 'fake-ap';

function pingOk(system: string, displayName: string): PingResult {
  return { system, displayName, endpoint: `fake://${system}`, latencyMs: 0, ok: true, message: 'ok' };
}

/** A canonical supplier (valid for the Supplier schema, so a held copy can be re-offered). */
export function supplier(code: string, overrides: Partial<Supplier> = {}): Supplier {
  return { code, name: `Supplier ${code}`, active: true, currency: 'EUR', ...overrides };
}

/** Source items for suppliers S001..S00n, keyed by code. */
export function supplierItems(count: number, from = 1): SourceItem<Supplier>[] {
  return Array.from({ length: count }, (_, i) => {
    const code = `S${String(from + i).padStart(3, '0')}`;
    return { key: code, record: supplier(code) };
  });
}

// ── ERP ────────────────────────────────────────────────────────────────────────────────────────

export interface ErpRead {
  entity: MirrorEntity;
  since: string | null;
  runStartedAt: Date;
  /** How many items the engine pulled from the stream. */
  pulled: number;
  /** Whether the engine iterated the stream to its end. */
  finished: boolean;
}

export interface FakeErpOptions {
  mirrorEntities?: readonly MirrorEntity[];
  /** Items per entity, streamed in this order. Tests may replace them between runs. */
  items?: Partial<Record<MirrorEntity, SourceItem<unknown>[]>>;
  /** What nextWatermark() returns once the stream is done (per entity, or one for all). */
  nextWatermark?: string | null;
  /** Throw this error when item number `after + 1` is pulled. */
  failAfter?: { after: number; error: Error };
}

export class FakeErp implements ErpConnector {
  readonly system = ERP_SYSTEM;
  readonly displayName = 'Fake ERP';
  readonly mirrorEntities: readonly MirrorEntity[];
  items: Partial<Record<MirrorEntity, SourceItem<unknown>[]>>;
  /** What the next read's nextWatermark() returns. */
  watermark: string | null;
  failAfter: { after: number; error: Error } | undefined;
  readonly reads: ErpRead[] = [];

  constructor(opts: FakeErpOptions = {}) {
    this.mirrorEntities = opts.mirrorEntities ?? ['suppliers'];
    this.items = opts.items ?? {};
    this.watermark = opts.nextWatermark ?? null;
    this.failAfter = opts.failAfter;
  }

  readMirror<E extends MirrorEntity>(entity: E, since: string | null, ctx: ReadContext): MirrorRead<MirrorRecordTypes[E]> {
    const read: ErpRead = { entity, since, runStartedAt: ctx.runStartedAt, pulled: 0, finished: false };
    this.reads.push(read);
    const source = [...(this.items[entity] ?? [])] as SourceItem<MirrorRecordTypes[E]>[];
    const failAfter = this.failAfter;
    const watermark = this.watermark;
    async function* stream(): AsyncGenerator<SourceItem<MirrorRecordTypes[E]>> {
      for (const item of source) {
        if (failAfter && read.pulled >= failAfter.after) throw failAfter.error;
        read.pulled += 1;
        // A page boundary: lets timers (the heartbeat) run as they would between real HTTP pages.
        await Promise.resolve();
        yield item;
      }
      read.finished = true;
    }
    return {
      items: stream(),
      nextWatermark: () => {
        // The contract: valid only once the stream is done. Asking earlier is an engine bug.
        if (!read.finished) throw new Error('FakeErp: nextWatermark() asked before the stream ended');
        return watermark;
      },
    };
  }

  async ping(): Promise<PingResult> {
    return pingOk(this.system, this.displayName);
  }
}

// ── AP ─────────────────────────────────────────────────────────────────────────────────────────

/** What the fake target decides for one record. */
export type FakeVerdict =
  | { status: 'written' | 'unchanged' }
  | { status: 'rejected' | 'unconfirmed'; reason: string };

export interface ApSubmit {
  entity: MirrorEntity;
  keys: string[];
  records: unknown[];
}

export interface FakeApOptions {
  mirrorTargets?: readonly MirrorEntity[];
  batchSize?: number;
  /** A reason when the target would refuse the record (checkMirror). */
  check?: (entity: MirrorEntity, key: string, record: unknown) => string | undefined;
  /** The target's verdict per record; written by default. */
  verdict?: (entity: MirrorEntity, key: string, record: unknown) => FakeVerdict;
  /**
   * 'confirm' (default, like Basware): every record waits for confirmMirror. 'submit': verdicts are
   * final at submit time (pendingKeys empty).
   */
  settle?: 'submit' | 'confirm';
  /** Throw on the n-th (1-based) submitMirror / confirmMirror call, after recording it. */
  failSubmit?: { at: number; error: Error };
  failConfirm?: { at: number; error: Error };
  /** Called after each submit is recorded (n is 1-based): abort a run, steal its lock... */
  onSubmit?: (n: number, submit: ApSubmit) => void | Promise<void>;
}

interface FakeBatch extends SubmittedBatch {
  readonly outcomes: WriteOutcome[];
}

export class FakeAp implements ApConnector {
  readonly system = AP_SYSTEM;
  readonly displayName = 'Fake AP';
  readonly mirrorTargets: readonly MirrorEntity[];
  readonly submits: ApSubmit[] = [];
  readonly confirms: string[][] = [];
  readonly checked: string[] = [];
  /** Tests change verdicts and checks between runs (a vendor configured on the target...). */
  readonly opts: FakeApOptions;
  private requestSeq = 0;

  constructor(opts: FakeApOptions = {}) {
    this.opts = opts;
    this.mirrorTargets = opts.mirrorTargets ?? ['suppliers'];
  }

  /** Every key sent, in order, across all submits. */
  get sentKeys(): string[] {
    return this.submits.flatMap((s) => s.keys);
  }

  batchSize(): number {
    return this.opts.batchSize ?? 100;
  }

  checkMirror<E extends MirrorEntity>(entity: E, item: MirrorWrite<MirrorRecordTypes[E]>): string | undefined {
    this.checked.push(item.key);
    return this.opts.check?.(entity, item.key, item.record);
  }

  async submitMirror<E extends MirrorEntity>(entity: E, batch: MirrorWrite<MirrorRecordTypes[E]>[]): Promise<SubmittedBatch> {
    const submit: ApSubmit = {
      entity,
      keys: batch.map((b) => b.key),
      // A deep copy: what was on the wire, whatever the engine does with its objects afterwards.
      records: batch.map((b) => JSON.parse(JSON.stringify(b.record)) as unknown),
    };
    this.submits.push(submit);
    const n = this.submits.length;
    await this.opts.onSubmit?.(n, submit);
    if (this.opts.failSubmit?.at === n) throw this.opts.failSubmit.error;
    const requestId = `req-${++this.requestSeq}`;
    const outcomes = batch.map((b) => this.outcome(entity, b.key, b.record, requestId));
    const atSubmit = this.opts.settle === 'submit';
    const result: FakeBatch = {
      entity,
      settled: atSubmit ? outcomes : [],
      pendingKeys: atSubmit ? [] : submit.keys,
      outcomes,
    };
    return result;
  }

  async confirmMirror(batch: SubmittedBatch): Promise<WriteOutcome[]> {
    this.confirms.push([...batch.pendingKeys]);
    if (this.opts.failConfirm?.at === this.confirms.length) throw this.opts.failConfirm.error;
    return (batch as FakeBatch).outcomes.filter((o) => batch.pendingKeys.includes(o.key));
  }

  async ping(): Promise<PingResult> {
    return pingOk(this.system, this.displayName);
  }

  private outcome(entity: MirrorEntity, key: string, record: unknown, requestId: string): WriteOutcome {
    const verdict = this.opts.verdict?.(entity, key, record) ?? { status: 'written' };
    const targetKey = `T-${key}`;
    if ('reason' in verdict) return { key, status: verdict.status, reason: verdict.reason, requestId };
    return { key, status: verdict.status, targetKey, requestId };
  }
}
