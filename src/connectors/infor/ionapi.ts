/**
 * Loads and checks the .ionapi file (apis/infor.md §3): a path relative to the pair config, or the
 * JSON itself (a secret reference may hold the whole file). Every URL mlsync uses comes from it.
 * Messages name the key and the file, never a value: the whole file is secret.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../../errors.js';
import { IonApiFile } from './config.js';
import { INFOR_IONAPI_ENV, INFOR_SYSTEM } from './descriptor.js';

const CONFIG_KEY = 'erp.ionapi';
const PASSWORD_GRANT_KEYS = ['saak', 'sask'] as const;

export interface IonApi {
  file: IonApiFile;
  /** `iu` without trailing slashes + '/' + `ti`. */
  gatewayBase: string;
  /** `pu` + `ot`. */
  tokenUrl: string;
  /** Where the file came from, for messages: a path, or "the inline .ionapi JSON". */
  source: string;
}

export function loadIonApi(value: string, configDir: string): IonApi {
  const inline = value.trimStart().startsWith('{');
  const source = inline ? `the inline .ionapi JSON in ${CONFIG_KEY}` : resolvePath(value, configDir);
  const text = inline ? value : readIonApiText(source);

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // The parser's message quotes the text around the error, and the text is secret: say only where.
    throw fail(source, [`${source} is not valid JSON`]);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    throw fail(source, [`${source} does not hold a JSON object`]);
  }

  const obj = json as Record<string, unknown>;
  if (PASSWORD_GRANT_KEYS.every((k) => obj[k] === undefined || obj[k] === '')) {
    throw fail(source, [
      `${source} is a client-credentials app: it has no service account keys (saak/sask). mlsync needs the password grant of a ` +
        `"Backend Service" app with a service account; in ION API → Authorized Apps create one, add a service account, and download its .ionapi file`,
    ]);
  }

  const parsed = IonApiFile.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = issue.path.join('.') || '(file)';
      const missing = obj[key] === undefined || obj[key] === '';
      return `${source}: key "${key}" ${missing ? 'is missing' : `is invalid: ${issue.message}`}`;
    });
    throw fail(source, problems);
  }

  const file = parsed.data;
  return {
    file,
    gatewayBase: `${file.iu.replace(/\/+$/, '')}/${file.ti}`,
    tokenUrl: file.pu + file.ot,
    source,
  };
}

function resolvePath(value: string, configDir: string): string {
  return isAbsolute(value) ? value : resolve(configDir, value);
}

function readIonApiText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    const why = code === 'ENOENT' ? 'the file does not exist' : code === 'EACCES' ? 'permission denied' : code;
    throw fail(path, [`cannot read ${path}: ${why}`]);
  }
}

function fail(source: string, problems: string[]): ConfigError {
  const message =
    `${CONFIG_KEY}: the Infor .ionapi file is unusable (${source}): ${problems.join('; ')}. ` +
    `Set ${INFOR_IONAPI_ENV} to the path of the .ionapi file of the Backend Service app.`;
  return new ConfigError(
    message,
    problems.map((p) => `${CONFIG_KEY}: ${p}`),
    { system: INFOR_SYSTEM },
  );
}
