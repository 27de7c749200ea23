/** `mlsync ping [pair]`: token, one cheap authenticated read, region/version checks, for each side. */
import { readdirSync } from 'node:fs';
import type { PingResult } from '../../connectors/types.js';
import { ConfigError, isMlsyncError } from '../../errors.js';
import { Redactor } from '../../secrets/redactor.js';
import { reportError } from '../errors.js';
import { EXIT, type ExitCode } from '../../exit-codes.js';
import { configDirOf, type GlobalOptions } from '../globals.js';
import { Output } from '../output.js';
import { openPair } from '../session.js';

interface PairPing {
  pair: string;
  results: PingResult[];
  error?: { code: string; message: string };
}

export async function pingCommand(pair: string | undefined, g: GlobalOptions): Promise<ExitCode> {
  const redactor = new Redactor();
  const out = new Output({ ...g, redactor });
  await out.prepare();
  let pairs: string[];
  try {
    pairs = pair ? [pair] : listPairs(configDirOf(g));
  } catch (err) {
    return reportError(err, out);
  }
  const report: PairPing[] = [];
  let code: ExitCode = EXIT.OK;
  for (const p of pairs) {
    const step = out.step(`${p}: checking both sides`);
    let session;
    try {
      session = await openPair(p, g, redactor, { interactive: true });
      const results: PingResult[] = [];
      for (const side of [session.erp, session.ap]) results.push(await side.ping());
      report.push({ pair: session.loaded.pair, results });
      const bad = results.filter((r) => !r.ok);
      if (bad.length === 0) step.succeed(`${session.loaded.pair}: both sides answer`);
      else {
        step.fail(`${session.loaded.pair}: ${bad.map((b) => `${b.displayName}: ${b.message}`).join('; ')}`);
        if (code === EXIT.OK) code = EXIT.CONNECTION;
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      step.fail(`${p}: ${message}`);
      report.push({ pair: p, results: [], error: { code: isMlsyncError(err) ? err.code : 'INTERNAL', message } });
      const c = err instanceof ConfigError ? EXIT.CONFIG : isMlsyncError(err) ? err.exitCode : EXIT.INTERNAL;
      if (code === EXIT.OK || c === EXIT.CONFIG) code = c;
    } finally {
      await session?.close();
    }
  }
  out.table(
    ['Pair', 'System', 'Endpoint', 'Latency', 'Token expires', 'Verdict'],
    report.flatMap((r) =>
      r.results.length === 0
        ? [[r.pair, '-', '-', '-', '-', `config: ${r.error?.message.split('\n')[0] ?? ''}`]]
        : r.results.map((x) => [
            r.pair,
            x.displayName,
            x.endpoint,
            `${x.latencyMs} ms`,
            x.tokenExpiresAt ? x.tokenExpiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-',
            x.ok ? 'ok' : `FAILED: ${x.message}`,
          ]),
    ),
  );
  out.json(
    report.map((r) => ({
      pair: r.pair,
      ok: !r.error && r.results.every((x) => x.ok),
      error: r.error,
      systems: r.results.map((x) => ({ ...x, tokenExpiresAt: x.tokenExpiresAt?.toISOString() })),
    })),
  );
  return code;
}

function listPairs(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
  } catch {
    throw new ConfigError(`No config folder at ${dir}; pass a pair, or set --config-dir / MLSYNC_CONFIG_DIR.`);
  }
  if (names.length === 0) throw new ConfigError(`No pair configs (*.yaml) in ${dir}.`);
  return names.map((f) => `${dir.replace(/\/+$/, '')}/${f}`);
}
