/** `mlsync validate <pair>`: load and check a config without sending anything. */
import { createApConnector, createErpConnector } from '../../connectors/registry.js';
import { Redactor } from '../../secrets/redactor.js';
import { reportError } from '../errors.js';
import { EXIT, type ExitCode } from '../../exit-codes.js';
import type { GlobalOptions } from '../globals.js';
import { Output } from '../output.js';
import { loadConfig } from '../session.js';

export async function validateCommand(pair: string, g: GlobalOptions): Promise<ExitCode> {
  const redactor = new Redactor();
  const out = new Output({ ...g, redactor });
  await out.prepare();
  try {
    const loaded = await loadConfig(pair, g, redactor);
    // Building the connectors reads what the config points at (the .ionapi file) without any request.
    const deps = { redactor, configDir: loaded.dir };
    const erp = await createErpConnector(loaded.config.erp, deps);
    const ap = await createApConnector(loaded.config.ap, deps);
    const { erp: e, ap: a } = loaded.config;
    const flows = loaded.config.flows ?? erp.mirrorEntities.filter((f) => ap.mirrorTargets.includes(f));
    out.json({ valid: true, pair: loaded.pair, file: loaded.file, erp: { system: e.system }, ap: { system: a.system, baseUrl: a.baseUrl, region: a.region }, flows });
    out.info(`${loaded.file} is valid.`);
    out.info(`  ${erp.displayName}: company ${e.company}, division ${e.division}`);
    out.info(`  ${ap.displayName}: ${a.baseUrl} (region ${a.region}), company ${a.companyCode}`);
    out.info(`  flows: ${flows.join(', ')}`);
    return EXIT.OK;
  } catch (err) {
    return reportError(err, out);
  }
}
