/**
 * 3. Ledger commit throughput: the same record updates committed in transactions of the engine's batch size,
 * and one record per transaction. The ledger runs WAL with synchronous=FULL (a committed state must survive a
 * power cut), so every commit waits for the disk; batching shares that wait among the batch's records.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DIST_MODULES, importDist } from './paths.js';
import { removeDir, tempDir } from './scratch.js';
import { ratio } from './stats.js';

/**
 * Records the engine sends in one import and commits in one transaction: Basware's limit for orders, accounts
 * and cost centers (BASWARE_BATCH_LIMITS, apis/basware.md §4.1; vendors go 200 at a time).
 */
export const ENGINE_BATCH = 500;
const PAIR = 'bench';
const FLOW = 'suppliers';

/** A canonical Supplier, the size a mirror flow stores as the record's payload. */
function supplierUpdate(i) {
  const code = String(100_000 + i);
  return {
    flow: FLOW,
    sourceKey: code,
    state: 'synced',
    targetKey: `M3_100_SUPPLIER_${code}`,
    contentHash: `sha256:${code.padStart(64, '0')}`,
    payload: {
      code,
      name: `Nordic Freight Services AB ${i}`,
      active: true,
      countryCode: 'SE',
      currency: 'SEK',
      paymentTerms: '30D',
      paymentMethod: 'BTR',
      taxId: `SE55${code}0101`,
      payeeCode: code,
      address: { street: 'Industrivägen 42', city: 'Göteborg', postalCode: '417 55', countryCode: 'SE' },
    },
    lastError: null,
    attempt: true,
    audit: { action: 'mirror.written', outcome: 'ok', detail: { targetKey: `M3_100_SUPPLIER_${code}`, requestId: `req-${i}` } },
  };
}

/** Commit `records` updates in transactions of `perCommit` on a fresh ledger; returns the wall time in ms. */
async function timeCommits(Ledger, redactor, records, perCommit) {
  const dir = tempDir('ledger');
  try {
    const ledger = Ledger.open(join(dir, 'ledger.sqlite'), { redactor });
    try {
      const run = ledger.startRun({ pair: PAIR, dryRun: false, flows: [FLOW] });
      const updates = Array.from({ length: records }, (_, i) => supplierUpdate(i));
      const started = performance.now();
      for (let i = 0; i < records; i += perCommit) ledger.commit(PAIR, run.id, updates.slice(i, i + perCommit));
      return performance.now() - started;
    } finally {
      ledger.close();
    }
  } finally {
    removeDir(dir);
  }
}

export async function benchLedger({ records, log }) {
  const { Ledger } = await importDist(DIST_MODULES.ledger);
  const { Redactor } = await importDist(DIST_MODULES.redactor);
  // A run's redactor knows the secrets it loaded; every audit detail and error passes through it.
  const redactor = new Redactor();
  redactor.add('bench-client-secret-0000');
  redactor.add('bench-service-account-key-1111');

  log(`  ledger: ${records} records in commits of ${ENGINE_BATCH}`);
  const batchedMs = await timeCommits(Ledger, redactor, records, ENGINE_BATCH);
  log(`  ledger: ${records} records, one commit each`);
  const singleMs = await timeCommits(Ledger, redactor, records, 1);
  const usPer = (ms) => Math.round((ms * 1000) / records);
  return {
    records,
    batchSize: ENGINE_BATCH,
    batched: { totalMs: Math.round(batchedMs), usPerRecord: usPer(batchedMs), recordsPerSecond: Math.round(records / (batchedMs / 1000)) },
    single: { totalMs: Math.round(singleMs), usPerRecord: usPer(singleMs), recordsPerSecond: Math.round(records / (singleMs / 1000)) },
    ratios: { singleOverBatched: ratio(singleMs, batchedMs) },
  };
}
