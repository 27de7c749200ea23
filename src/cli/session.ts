/**
 * What a command that works on a pair opens: the config (validated), the redactor that learned its
 * secrets, the ledger, the optional trace file and both connectors. Closing releases all of it.
 */
import { loadPairConfig, resolvePairFile, type LoadedConfig } from '../config/load.js';
import { resolveLedgerPath } from '../config/paths.js';
import { createApConnector, createErpConnector } from '../connectors/registry.js';
import type { ApConnector, ErpConnector } from '../connectors/types.js';
import type { TraceSink } from '../http/types.js';
import { CallRecorder } from '../http/recorder.js';
import { Ledger } from '../ledger/ledger.js';
import { secretResolverFor } from '../secrets/config-references.js';
import { Redactor } from '../secrets/redactor.js';
import { configDirOf, type GlobalOptions } from './globals.js';

export function ledgerPathOf(g: GlobalOptions, env: NodeJS.ProcessEnv = process.env): string {
  return resolveLedgerPath(g.db, env);
}

export interface PairSession {
  loaded: LoadedConfig;
  redactor: Redactor;
  ledger: Ledger;
  erp: ErpConnector;
  ap: ApConnector;
  trace: TraceSink | undefined;
  /** Every exchange passes it on its way to the trace file; the engine asks it for one record's calls. */
  calls: CallRecorder;
  close(): Promise<void>;
}

export interface OpenOptions {
  env?: NodeJS.ProcessEnv;
  /** A person waits for the answer: short retry budget (ping). */
  interactive?: boolean;
}

/** The pair's config; `secret:<name>` values are read from the keychain or vault, opened only when the file has one. */
export async function loadConfig(pair: string, g: GlobalOptions, redactor: Redactor, env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
  const configDir = configDirOf(g, env);
  const resolveSecret = await secretResolverFor(resolvePairFile(pair, configDir), env);
  return loadPairConfig(pair, { configDir, env, redactor, resolveSecret });
}

export async function openPair(pair: string, g: GlobalOptions, redactor: Redactor, opts: OpenOptions = {}): Promise<PairSession> {
  const env = opts.env ?? process.env;
  const loaded = await loadConfig(pair, g, redactor, env);
  let trace: TraceSink | undefined;
  if (g.trace) {
    const { openTraceFile } = await import('../http/trace.js');
    trace = openTraceFile(g.trace);
  }
  const ledger = Ledger.open(ledgerPathOf(g, env), { redactor });
  const calls = new CallRecorder(trace);
  const deps = { redactor, trace: calls, tokenStore: ledger, configDir: loaded.dir, interactive: opts.interactive ?? false };
  let erp: ErpConnector | undefined;
  let ap: ApConnector | undefined;
  try {
    erp = await createErpConnector(loaded.config.erp, deps);
    ap = await createApConnector(loaded.config.ap, deps);
  } catch (err) {
    ledger.close();
    await trace?.close();
    throw err;
  }
  const session: PairSession = {
    loaded,
    redactor,
    ledger,
    erp,
    ap,
    trace,
    calls,
    async close() {
      await erp?.close?.();
      await ap?.close?.();
      ledger.close();
      await calls.close();
    },
  };
  return session;
}
