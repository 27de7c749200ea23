import { describe, expect, it } from 'vitest';
import { interpolate } from '../../src/config/interpolate.js';

const env = { BASE: 'https://api.basware.com', EMPTY: '', PRICE: 'a$b${c' };

describe('interpolate', () => {
  it('replaces variables anywhere in a string', () => {
    expect(interpolate('${BASE}/v1/tokens', env)).toEqual({ value: 'https://api.basware.com/v1/tokens', vars: ['BASE'], problems: [] });
    expect(interpolate('no variables, $5 and $HOME stay', env).value).toBe('no variables, $5 and $HOME stay');
  });

  it('uses the default when the variable is unset or empty, and expands defaults', () => {
    expect(interpolate('${MISSING:-EU}', env).value).toBe('EU');
    expect(interpolate('${EMPTY:-fallback}', env).value).toBe('fallback');
    expect(interpolate('${EMPTY}', env)).toEqual({ value: '', vars: ['EMPTY'], problems: [] });
    expect(interpolate('${MISSING:-}', env).value).toBe('');
    expect(interpolate('${TOKEN_URL:-${BASE}/v1/tokens}', env).value).toBe('https://api.basware.com/v1/tokens');
    expect(interpolate('${A:-${B:-x}-y}z', env).value).toBe('x-yz');
  });

  it('does not re-expand what a variable holds', () => {
    expect(interpolate('${PRICE}', env).value).toBe('a$b${c');
  });

  it('writes $${ as a literal ${', () => {
    expect(interpolate('$${BASE} is ${BASE}', env).value).toBe('${BASE} is https://api.basware.com');
    expect(interpolate('${MISSING:-$${x}}', env).value).toBe('${x}');
  });

  it('names every unset variable and every syntax problem', () => {
    expect(interpolate('${A}/${B:-${C}}', env).problems).toEqual(['environment variable A is not set', 'environment variable C is not set']);
    expect(interpolate('${1ABC}', env).problems).toEqual(['"${" must be followed by a variable name such as ${BASWARE_BASE_URL} (write $${ for a literal "${")']);
    expect(interpolate('${BASE', env).problems).toEqual(['"${BASE" must end with "}" or have a default as ${BASE:-value}']);
    expect(interpolate('${BASE:-x', env).problems).toEqual(['"${BASE:-" has no closing "}"']);
  });
});
