import { expect } from 'vitest';
import { ConfigError } from '../../src/errors.js';

/** Runs `fn`, which must throw a ConfigError, and returns it for assertions on its message and problems. */
export function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}
