/**
 * `mlsync secrets set|list|delete <name>`: named secrets that pair configs use as `secret:<name>`, in
 * the OS keychain or the encrypted vault (src/secrets/store.ts chooses). Values come from stdin or a
 * hidden prompt; a value on the command line is refused, because argv lands in shell history and `ps`.
 */
import { ConfigError } from '../../errors.js';
import { EXIT, type ExitCode } from '../../exit-codes.js';
import { closestMatch } from '../../config/did-you-mean.js';
import { Redactor } from '../../secrets/redactor.js';
import { readSecretValue, type SecretInputOptions } from '../../secrets/secret-input.js';
import { checkSecretName, isSecretName } from '../../secrets/secret-name.js';
import { openSecretStore, type OpenSecretStoreOptions, type SecretStore } from '../../secrets/store.js';
import { reportError } from '../errors.js';
import type { GlobalOptions } from '../globals.js';
import { Output } from '../output.js';

/** Seams for tests; the CLI passes nothing. */
export interface SecretsCommandDeps {
  env?: NodeJS.ProcessEnv;
  store?: OpenSecretStoreOptions;
  input?: SecretInputOptions;
}

function storeJson(store: SecretStore): { kind: string; location: string } {
  return { kind: store.kind, location: store.describe() };
}

async function withOutput(g: GlobalOptions, work: (out: Output, redactor: Redactor) => Promise<ExitCode>): Promise<ExitCode> {
  const redactor = new Redactor();
  const out = new Output({ ...g, redactor });
  await out.prepare();
  try {
    return await work(out, redactor);
  } catch (err) {
    return reportError(err, out);
  }
}

/**
 * `secrets set <name>`. `extra` is whatever followed the name (commander lets it through so that it is
 * refused here with the reason, and never printed back: it is probably the secret).
 */
export async function secretsSetCommand(name: string, extra: string[], g: GlobalOptions, deps: SecretsCommandDeps = {}): Promise<ExitCode> {
  return withOutput(g, async (out, redactor) => {
    if (extra.length > 0 || name.startsWith('-')) {
      // Whatever came after the name (or an option in its place) may be the secret: masked should any message hold it.
      for (const arg of name.startsWith('-') ? [name, ...extra] : extra) redactor.add(arg);
      const shown = isSecretName(name) ? name : '<name>';
      throw new ConfigError(
        `secrets set takes the secret's name only, never its value: a value on the command line lands in your shell history and in ps output, ` +
          `where other users of this machine can read it. Nothing was stored.\n` +
          `  Pipe the value in:      mlsync secrets set ${shown} < file\n` +
          `  or type it at a prompt: mlsync secrets set ${shown}\n` +
          `  If what you typed was a real secret, treat it as exposed and change it.`,
      );
    }
    checkSecretName(name);
    const store = await openSecretStore(deps.env ?? process.env, deps.store);
    const value = await readSecretValue(name, deps.input);
    redactor.add(value);
    const replaced = (await store.list()).includes(name);
    await store.set(name, value);
    out.json({ stored: name, replaced, store: storeJson(store) });
    out.info(`${replaced ? 'Replaced' : 'Stored'} secret '${name}' in the ${store.describe()}. Use it in a pair config as: secret:${name}`);
    return EXIT.OK;
  });
}

export async function secretsListCommand(g: GlobalOptions, deps: SecretsCommandDeps = {}): Promise<ExitCode> {
  return withOutput(g, async (out) => {
    const store = await openSecretStore(deps.env ?? process.env, deps.store);
    const names = await store.list();
    out.json({ store: storeJson(store), names });
    out.info(`Secret store: ${store.describe()}`);
    if (names.length === 0) out.info('No secrets stored yet (mlsync secrets set <name>).');
    for (const name of names) out.info(`  ${name}`);
    return EXIT.OK;
  });
}

export async function secretsDeleteCommand(name: string, g: GlobalOptions, deps: SecretsCommandDeps = {}): Promise<ExitCode> {
  return withOutput(g, async (out) => {
    checkSecretName(name);
    const store = await openSecretStore(deps.env ?? process.env, deps.store);
    if (!(await store.delete(name))) {
      const names = await store.list();
      const guess = closestMatch(name, names);
      throw new ConfigError(
        `There is no secret '${name}' in the ${store.describe()}${guess ? `; did you mean '${guess}'?` : names.length > 0 ? ` (stored: ${names.join(', ')})` : ' (it holds none)'}`,
      );
    }
    out.json({ deleted: name, store: storeJson(store) });
    out.info(`Deleted secret '${name}' from the ${store.describe()}.`);
    return EXIT.OK;
  });
}
