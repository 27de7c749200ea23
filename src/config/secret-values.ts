/**
 * Which config values and environment variables are secrets, so the redactor learns them the moment
 * the config loads, before anything could log them. Each connector names its secret keys
 * (BASWARE_SECRET_KEYS, INFOR_SECRET_KEYS); this is the one table that maps a `system:` to them.
 */
import { BASWARE_SECRET_KEYS } from '../connectors/basware/config.js';
import { INFOR_SECRET_KEYS } from '../connectors/infor/config.js';
import { isSecretFieldName } from '../secrets/redactor.js';

/** Config sections that hold a system (`system: infor` under `erp:`). */
export const SYSTEM_SECTIONS = ['erp', 'ap'] as const;

const SECRET_KEYS_BY_SYSTEM: Record<string, readonly string[]> = {
  infor: INFOR_SECRET_KEYS,
  basware: BASWARE_SECRET_KEYS,
};

/**
 * Keys that hold either a path to a secrets file or the file's content (`ionapi`). A path is not a
 * secret (masking it would hide which file is wrong); the connector adds the file's secrets as it reads it.
 */
const PATH_OR_CONTENT_KEYS = new Set(['infor.ionapi']);

/** Environment variables whose names end like this are secrets, whoever reads them. */
export const SECRET_ENV_SUFFIXES = ['_SECRET', '_PASSWORD', '_TOKEN', '_KEY'] as const;

export function isSecretEnvName(name: string): boolean {
  const upper = name.toUpperCase();
  return SECRET_ENV_SUFFIXES.some((suffix) => upper.endsWith(suffix));
}

export function secretEnvValues(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([name, value]) => value && isSecretEnvName(name))
    .map(([, value]) => value!);
}

export interface SecretValue {
  /** Where in the config, e.g. ['ap', 'clientSecret']. */
  path: string[];
  value: string;
}

/** Values under the secret keys of each system section of the (interpolated, not yet validated) config. */
export function secretConfigValues(data: unknown): SecretValue[] {
  const out: SecretValue[] = [];
  if (!data || typeof data !== 'object') return out;
  for (const sectionName of SYSTEM_SECTIONS) {
    const section = (data as Record<string, unknown>)[sectionName];
    if (!section || typeof section !== 'object') continue;
    const system = String((section as Record<string, unknown>).system ?? '');
    for (const key of SECRET_KEYS_BY_SYSTEM[system] ?? []) {
      const raw = (section as Record<string, unknown>)[key];
      // Written unquoted, a numeric secret is a YAML number; the message that it is not text would quote it.
      const value = typeof raw === 'number' ? String(raw) : raw;
      if (typeof value !== 'string' || value === '') continue;
      const values = PATH_OR_CONTENT_KEYS.has(`${system}.${key}`) ? secretsOfInlineFile(value) : [value];
      for (const v of values) out.push({ path: [sectionName, key], value: v });
    }
  }
  return out;
}

/** Inline JSON content (a whole .ionapi file in a secret): the text and its secret-named fields. */
function secretsOfInlineFile(value: string): string[] {
  if (!value.trimStart().startsWith('{')) return [];
  const out = [value];
  try {
    const parsed = JSON.parse(value) as unknown;
    if (parsed && typeof parsed === 'object') {
      for (const [field, v] of Object.entries(parsed)) if (typeof v === 'string' && isSecretFieldName(field)) out.push(v);
    }
  } catch {
    // Not JSON after all: the text itself is still treated as secret.
  }
  return out;
}
