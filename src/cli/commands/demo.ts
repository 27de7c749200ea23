/**
 * `mlsync demo [pair]`: starts the pair's sandbox on loopback and runs the real pair against it three
 * times: a full first sync, a second run that must send nothing, and a run after three suppliers were
 * changed in M3 that must send exactly those three.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../errors.js';
import { Redactor } from '../../secrets/redactor.js';
import { reportError } from '../errors.js';
import { EXIT, type ExitCode } from '../../exit-codes.js';
import { configDirOf, type GlobalOptions } from '../globals.js';
import { Output } from '../output.js';
import { openPair, type PairSession } from '../session.js';
import { executeRun } from './run.js';
import type { RunSummary } from '../../engine/run.js';
import type { SandboxCredentials } from '../../sandbox/pairs/infor-basware.js';

const DEMO_PAIRS = ['infor-basware'] as const;
/**
 * Test seam: a JSON file ({ basware: { clientSecret }, infor: { ci, cs, saak, sask } }) of the credentials the
 * demo's simulators accept instead of their defaults, so the canary test can look for values it chose.
 */
export const DEMO_CREDENTIALS_ENV = 'MLSYNC_DEMO_CREDENTIALS';

/** The file's content is secret: messages name the variable and the file, never what is in it. */
function demoCredentials(env: NodeJS.ProcessEnv): SandboxCredentials | undefined {
  const file = env[DEMO_CREDENTIALS_ENV];
  if (!file) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SandboxCredentials;
  } catch {
    throw new ConfigError(`${DEMO_CREDENTIALS_ENV}: ${file} is not a readable JSON file of sandbox credentials; unset ${DEMO_CREDENTIALS_ENV}.`);
  }
}

/** The config folder: the user's when it has the pair, else the one shipped with mlsync. */
function demoConfigDir(g: GlobalOptions, pair: string): string {
  const own = configDirOf(g);
  if (existsSync(join(own, `${pair}.yaml`))) return own;
  return fileURLToPath(new URL('../../../configs/', import.meta.url));
}

export async function demoCommand(pair: string, opts: { keep?: boolean }, g: GlobalOptions): Promise<ExitCode> {
  const redactor = new Redactor();
  const out = new Output({ ...g, redactor });
  await out.prepare();
  if (!(DEMO_PAIRS as readonly string[]).includes(pair)) {
    return reportError(new ConfigError(`There is no sandbox for pair '${pair}' yet; sandboxes: ${DEMO_PAIRS.join(', ')}.`), out);
  }
  const sb = await import('../../sandbox/pairs/infor-basware.js');
  let credentials: SandboxCredentials | undefined;
  try {
    credentials = demoCredentials(process.env);
  } catch (err) {
    return reportError(err, out);
  }
  const step = out.step('Starting the sandbox (Infor M3 and Basware simulators on loopback)');
  const sandbox = await sb.startInforBaswareSandbox({ invoices: true, ...(credentials ? { credentials } : {}) });
  const counts = sandbox.infor.stats().records;
  const expected = sb.invoiceExpectations(sandbox);
  step.succeed(
    `Sandbox up: Infor M3 at ${sandbox.infor.url} (${counts.suppliers} suppliers, ${counts.purchaseOrders} purchase orders, ` +
      `${counts.accounts} GL accounts, ${counts.costCenters} cost centers); Basware at ${sandbox.basware.url} ` +
      `(${sandbox.basware.store.accountingDocuments.size} approved invoices waiting for transfer)`,
  );
  // A fresh ledger per demo (the simulators start empty each time); kept afterwards for status and audit.
  const db = g.db ?? join(mkdtempSync(join(tmpdir(), 'mlsync-demo-')), 'ledger.sqlite');
  const globals: GlobalOptions = { ...g, db, configDir: demoConfigDir(g, pair) };
  const env = { ...process.env, ...sandbox.env };
  const summaries: RunSummary[] = [];
  let session: PairSession | undefined;
  try {
    session = await openPair(pair, globals, redactor, { env });

    out.info(
      '\n1. First sync: all master data goes to Basware; then the approved invoices post in M3, each exactly once.\n' +
        `   ${expected.alreadyPosted.length} of them are already in M3 and are only confirmed; ` +
        `${expected.unmappedAccount.length + expected.unmappedCostCenter.length} are coded to an account or cost center M3 does not have yet, and wait.`,
    );
    summaries.push(await executeRun(session, out, { dryRun: false, json: false }));

    out.info('\n2. Everything read again (run --full) and compared with what Basware confirmed: all unchanged, nothing sent.');
    const second = sb.importMark(sandbox.basware);
    summaries.push(await executeRun(session, out, { dryRun: false, full: true, json: false }));
    out.info(`   Import requests Basware received in this run: ${sb.importsSince(sandbox.basware, second)}`);

    const touched = pickSuppliers(sandbox.infor.listSupplierNumbers(), 3);
    out.info(`\n3. Three suppliers change in M3 (${touched.join(', ')}); only those are sent.`);
    for (const suno of touched) {
      const name = sandbox.infor.supplierName(suno) ?? suno;
      sandbox.infor.touch({ entity: 'supplier', key: { CONO: '100', SUNO: suno }, changes: { SUNM: `${name} Ltd` } });
    }
    const third = sb.importMark(sandbox.basware);
    summaries.push(await executeRun(session, out, { dryRun: false, json: false }));
    const sent = sb.vendorsReceivedSince(sandbox.basware, third);
    out.info(`   Vendors Basware received in this run: ${sent.length} (${sent.join(', ')})`);

    const paid = expected.ordinary.slice(0, 2);
    out.info(
      '\n4. The missing GL account and cost center are created in M3, and an M3 payment run pays two invoices.\n' +
        '   The account and cost center go to Basware, the waiting invoices post, and Basware hears of the payments once.',
    );
    sb.addMissingAccount(sandbox);
    sb.addMissingCostCenter(sandbox);
    for (const id of paid) {
      const key = expected.m3Keys[id]!;
      sandbox.infor.payInvoice({ DIVI: 'AAA', SUNO: key.SUNO, SINO: key.SINO, INYR: key.INYR, amount: key.CUAM, date: todayM3() });
    }
    summaries.push(await executeRun(session, out, { dryRun: false, json: false }));
    const transferred = [...sandbox.basware.store.accountingDocuments.values()].filter((d) => d.processingStatus === 'Transferred' || d.processingStatus === 'Paid');
    out.info(
      `   Basware now shows ${transferred.length} of ${sandbox.basware.store.accountingDocuments.size} invoices transferred to M3, ` +
        `${[...sandbox.basware.store.accountingDocuments.values()].filter((d) => d.processingStatus === 'Paid').length} of them paid.`,
    );

    out.json({ pair, sandbox: { infor: sandbox.infor.url, basware: sandbox.basware.url }, runs: summaries });
    out.info(
      `\nDone. The ledger of this demo is ${db}: try \`npx mlsync status --db ${db}\` and \`npx mlsync audit --db ${db} --limit 10\`.`,
    );
    if (opts.keep) {
      // The sandbox's credentials are throwaway, but they still never go to the screen: a file only the
      // user can read holds the environment, ready to source.
      const envFile = join(dirname(db), 'sandbox.env');
      const lines = Object.entries({ ...sandbox.env, MLSYNC_DB: db }).map(([k, v]) => `export ${k}='${v.replace(/'/g, "'\\''")}'`);
      writeFileSync(envFile, lines.join('\n') + '\n', { mode: 0o600 });
      out.info('\nThe sandbox keeps running. To point mlsync at it from another shell:');
      out.info(`  . ${envFile}`);
      out.info(`  npx mlsync ping infor-basware && npx mlsync status`);
      out.info('Press Ctrl-C to stop.');
      await session.close();
      session = undefined;
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
    }
    // The earlier passes are partial on purpose (invoices wait for master data); the last one must be clean.
    return summaries.at(-1)?.outcome === 'success' ? EXIT.OK : EXIT.PARTIAL;
  } catch (err) {
    return reportError(err, out);
  } finally {
    await session?.close();
    await sandbox.close();
  }
}

/** Today as M3 writes dates (yyyyMMdd). */
function todayM3(): string {
  return new Date().toISOString().slice(0, 10).replace(/-/g, '');
}

/** n suppliers spread over the list, so the demo does not always touch the first ones. */
function pickSuppliers(all: string[], n: number): string[] {
  const step = Math.max(1, Math.floor(all.length / (n + 1)));
  return Array.from({ length: n }, (_, i) => all[(i + 1) * step]).filter((s): s is string => Boolean(s));
}
