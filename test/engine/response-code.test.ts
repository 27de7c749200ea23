import { describe, expect, it } from 'vitest';
import { responseCode } from '../../src/engine/invoices.js';

describe('externalCodes of transfer and payment responses', () => {
  it('are UUID v5, stable per document and purpose, within 36 characters', () => {
    const a = responseCode('138e7d94997847aebe7432e521b3dac9', 'transfer:success');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(responseCode('138e7d94997847aebe7432e521b3dac9', 'transfer:success')).toBe(a);
    expect(responseCode('138e7d94997847aebe7432e521b3dac9', 'payment:1250.00')).not.toBe(a);
    expect(responseCode('other-document', 'transfer:success')).not.toBe(a);
  });

  it('keep their value forever (a changed derivation would post every response again)', () => {
    expect(responseCode('138e7d94997847aebe7432e521b3dac9', 'payment:1250.00')).toMatchInlineSnapshot(`"a10efcd4-9b64-531c-acde-623b76caea47"`);
  });
});
