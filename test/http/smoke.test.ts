import nock from 'nock';
import { it, expect } from 'vitest';
import got from 'got';
it('smoke', async () => {
  nock('https://x.example').get('/a').replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
  const e = await got('https://x.example/a', { retry: { limit: 0 } }).catch((e) => e);
  console.log(e.name, e.code, e.message, e.event, e.timings, e.cause?.code);
  nock('https://x.example').get('/b').delay(300).reply(200, 'ok');
  const t = await got('https://x.example/b', { retry: { limit: 0 }, timeout: { request: 50 } }).catch((e) => e);
  console.log(t.name, t.code, t.message, t.event, t.timings);
  nock('https://x.example').post('/c', 'a=%23').reply(200, {x: 1});
  const r = await got('https://x.example/c?q=%27a%20b%27', { method: 'POST', body: 'a=%23', retry: { limit: 0 } });
  console.log(r.statusCode, r.body, r.headers);
  expect(1).toBe(1);
});
