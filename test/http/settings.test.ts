import { describe, expect, it } from 'vitest';
import { httpClientOptions, httpSettings } from '../../src/http/settings.js';
import { Redactor } from '../../src/secrets/redactor.js';

describe('the http: config section', () => {
  const schema = httpSettings({ requestsPerMinute: 300, concurrency: 4, maxRetryAfterSeconds: 120 });

  it('fills each system’s defaults and coerces values that came from the environment', () => {
    expect(schema.parse(undefined)).toEqual({
      timeoutSeconds: 60,
      requestsPerMinute: 300,
      concurrency: 4,
      retryAttempts: 6,
      retryBaseMs: 1000,
      retryMaxMs: 60_000,
      maxRetryAfterSeconds: 120,
    });
    expect(schema.parse({ timeoutSeconds: '15', concurrency: '1' })).toMatchObject({ timeoutSeconds: 15, concurrency: 1 });
    expect(() => schema.parse({ timeout: 5 })).toThrow();
  });

  it('gives cron runs the patient budget and a waiting person (ping) a short one', () => {
    const settings = schema.parse({});
    const who = { system: 'basware', displayName: 'Basware', baseUrl: 'https://api.basware.com' };
    const cron = httpClientOptions(settings, who, { redactor: new Redactor() });
    expect(cron.retry).toEqual({ attempts: 6, baseDelayMs: 1000, factor: 2, maxDelayMs: 60_000, maxRetryAfterSeconds: 120, max429Waits: 10 });
    expect(cron.rateLimit).toEqual({ requestsPerMinute: 300, concurrency: 4 });
    expect(cron.timeoutMs).toBe(60_000);
    const ping = httpClientOptions(settings, who, { redactor: new Redactor(), interactive: true });
    expect(ping.retry).toMatchObject({ attempts: 2, maxRetryAfterSeconds: 10, max429Waits: 1 });
  });
});
