/**
 * The stored secrets a pair config refers to (`clientSecret: secret:basware-prod`). The config loader
 * is synchronous and a keychain is not, so the names are found first, in the YAML string values the
 * loader will resolve, and looked up before the config loads. A config without a `secret:` value
 * never opens a store (and never needs a keychain or MLSYNC_MASTER_KEY).
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { forEachStringValue, parseYaml } from '../config/yaml-source.js';
import { isSecretName } from './secret-name.js';
import { openSecretStore, type SecretStore } from './store.js';

/** Same form as the loader's: the whole value is `secret:<name>`. */
const SECRET_REFERENCE = /^secret:(.*)$/;

export type SecretResolver = (name: string) => string | undefined;

/** Valid secret names referred to by string values of a YAML config (comments and keys do not count). */
export function secretReferencesIn(yamlText: string): string[] {
  const { source, errors } = parseYaml(yamlText);
  // A broken file is the loader's to report, with lines; there is nothing to look up.
  if (errors.length > 0 || source.doc.contents === null) return [];
  const names = new Set<string>();
  forEachStringValue(source, (node) => {
    const name = SECRET_REFERENCE.exec(node.value)?.[1];
    if (name !== undefined && isSecretName(name)) names.add(name);
  });
  return [...names].sort();
}

export interface ResolverOptions {
  /** Opens the store (tests inject one); default openSecretStore. */
  openStore?: (env: NodeJS.ProcessEnv) => Promise<SecretStore>;
}

/**
 * For loadPairConfig's `resolveSecret`: every secret `configFile` refers to, looked up now. Undefined
 * when the file refers to none (or cannot be read: the loader says why). A name not stored resolves to
 * undefined, and the loader reports it with its line.
 */
export async function secretResolverFor(configFile: string, env: NodeJS.ProcessEnv = process.env, opts: ResolverOptions = {}): Promise<SecretResolver | undefined> {
  let text: string;
  try {
    text = readFileSync(configFile, 'utf8');
  } catch {
    return undefined;
  }
  const names = secretReferencesIn(text);
  if (names.length === 0) return undefined;

  let store: SecretStore;
  try {
    store = await (opts.openStore ?? ((e) => openSecretStore(e)))(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const message = `${configFile} refers to stored secrets (${names.map((n) => `secret:${n}`).join(', ')}), but they cannot be read. ${err.message}`;
    throw new ConfigError(message, [message], { system: 'config', cause: err });
  }
  const values = new Map<string, string>();
  for (const name of names) {
    const value = await store.get(name);
    if (value !== undefined) values.set(name, value);
  }
  return (name) => values.get(name);
}
