/** What a secret may be called: the same rule the config loader applies to `secret:<name>`. */
import { ConfigError } from '../errors.js';

/** Letters, digits, '.', '_' and '-', starting with a letter or digit (so a name never looks like an option). */
export const SECRET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MAX_NAME_LENGTH = 128;
export const SECRET_NAME_RULE = "letters, digits, '.', '_' and '-', starting with a letter or digit (e.g. basware-prod-secret)";

export function isSecretName(name: string): boolean {
  return name.length <= MAX_NAME_LENGTH && SECRET_NAME.test(name);
}

/**
 * Throws when `name` is not a valid secret name. The message does not quote the name: someone who
 * typed the value where the name goes would otherwise see it printed back.
 */
export function checkSecretName(name: string): void {
  if (!isSecretName(name)) {
    throw new ConfigError(`That is not a valid secret name: a name is ${SECRET_NAME_RULE}, at most ${MAX_NAME_LENGTH} characters.`);
  }
}
