import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createInforConnector } from '../../../src/connectors/infor/connector.js';
import { loadIonApi } from '../../../src/connectors/infor/ionapi.js';
import { ConfigError } from '../../../src/errors.js';
import { Redactor } from '../../../src/secrets/redactor.js';
import { HERE, inforConfig, ionapi } from './fake-gateway.js';
import { configError } from '../../support/config-error.js';


describe('.ionapi loading', () => {
  it('resolves a relative path from the config directory and derives the gateway base and token URL', () => {
    const api = loadIonApi('fixtures/tenant.ionapi', HERE);
    // iu has a trailing slash in the fixture; it is stripped before the tenant is appended.
    expect(api.gatewayBase).toBe('https://mingle-ionapi.example.test/ACME_PRD');
    expect(api.tokenUrl).toBe('https://mingle-sso.example.test:443/ACME_PRD/as/token.oauth2');
    expect(api.source).toBe(join(HERE, 'fixtures/tenant.ionapi'));
  });

  it('accepts the JSON itself (a secret reference holding the whole file)', () => {
    const api = loadIonApi(JSON.stringify(ionapi), '/nowhere');
    expect(api.file.ti).toBe('ACME_PRD');
    expect(api.source).toContain('erp.ionapi');
  });

  it('names erp.ionapi, the file and "does not exist" for a missing file', () => {
    const err = configError(() => loadIonApi('missing.ionapi', HERE));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toContain('erp.ionapi');
    expect(err.message).toContain(join(HERE, 'missing.ionapi'));
    expect(err.message).toContain('does not exist');
    expect(err.message).toContain('INFOR_IONAPI');
  });

  it('says the file is not JSON without quoting any of it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ionapi-'));
    const path = join(dir, 'broken.ionapi');
    writeFileSync(path, '{"ti":"ACME_PRD","cs":"very-secret-value", oops}');
    const err = configError(() => loadIonApi(path, dir));
    expect(err.message).toContain(`${path} is not valid JSON`);
    expect(err.message).not.toContain('very-secret-value');
  });

  it('recognises a client-credentials app file (no saak/sask) and says what to create instead', () => {
    const err = configError(() => loadIonApi('fixtures/client-credentials.ionapi', HERE));
    expect(err.message).toContain('client-credentials app');
    expect(err.message).toContain('saak/sask');
    expect(err.message).toContain('Backend Service');
    expect(err.message).not.toContain('web-secret-123');
  });

  it('lists each missing or invalid key by name, never by value', () => {
    const { iu: _iu, ...noIu } = ionapi;
    const err = configError(() => loadIonApi(JSON.stringify({ ...noIu, pu: 'not a url' }), HERE));
    expect(err.problems.join('\n')).toContain('key "iu" is missing');
    expect(err.problems.join('\n')).toContain('key "pu" is invalid');
    expect(err.message).not.toContain(ionapi.cs as string);
  });

  it('makes the connector refuse to start, before any request, and teaches the redactor the secrets', () => {
    const redactor = new Redactor();
    createInforConnector(inforConfig(), { redactor, configDir: HERE });
    for (const key of ['cs', 'sask', 'saak', 'ci']) {
      expect(redactor.text(`value ${ionapi[key]} end`)).toBe('value *** end');
    }
    expect(() => createInforConnector(inforConfig({ ionapi: 'nope.ionapi' }), { redactor, configDir: HERE })).toThrow(ConfigError);
  });
});
