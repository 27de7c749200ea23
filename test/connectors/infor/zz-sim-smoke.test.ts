// THROWAWAY: interop smoke against the simulators; deleted after the run.
import { it, expect } from 'vitest';
import { startInforSimulator, SEED_TEPY_CODES } from '../../../src/sandbox/infor/index.js';
import { startBaswareSimulator } from '../../../src/sandbox/basware/index.js';
import { createInforConnector } from '../../../src/connectors/infor/connector.js';
import { createBaswareConnector } from '../../../src/connectors/basware/connector.js';
import { InforConfig } from '../../../src/connectors/infor/config.js';
import { BaswareConfig } from '../../../src/connectors/basware/config.js';
import { BASWARE_SCOPES } from '../../../src/connectors/basware/descriptor.js';
import { Redactor } from '../../../src/secrets/redactor.js';
import { MIRROR_ENTITIES } from '../../../src/model/entities.js';

it('smoke', async () => {
  const inf = await startInforSimulator();
  const bw = await startBaswareSimulator({ config: { companies: ['BW00'], paymentTerms: [...SEED_TEPY_CODES], asyncDelayMs: 50 } as never });
  bw.registerClient({ client_id: 'cid', client_secret: 'csecret-1234', scopes: [...BASWARE_SCOPES], bwcid: 'T1' } as never);
  try {
    const erp = createInforConnector(InforConfig.parse({ system: 'infor', ionapi: JSON.stringify(inf.ionapi), company: '100', division: 'AAA' }), { redactor: new Redactor(), configDir: '.' });
    const ap = createBaswareConnector(BaswareConfig.parse({ system: 'basware', baseUrl: bw.url, clientId: 'cid', clientSecret: 'csecret-1234', companyCode: 'BW00', requestStatus: { initialDelayMs: 50, maxDelayMs: 200, maxWaitSeconds: 20 } }), { redactor: new Redactor(), configDir: '.' });
    console.log('ping', await erp.ping(), await ap.ping());
    for (const pass of [1, 2]) for (const entity of MIRROR_ENTITIES) {
      const read = erp.readMirror(entity, null, { runStartedAt: new Date() });
      const good: any[] = []; const bad: any[] = [];
      for await (const item of read.items) (item.invalid ? bad : good).push(item);
      console.log(entity, 'read', good.length, 'invalid', bad.slice(0, 3).map((b) => b.invalid), 'wm', read.nextWatermark());
      const writes = good.map((g) => ({ key: g.key, record: entity === 'purchaseOrders' ? { ...g.record, lines: g.record.lines.map((l: any) => ({ ...l, description: undefined })) } : g.record }));
      const checks = writes.map((w) => ap.checkMirror(entity, w as never)).filter(Boolean);
      console.log(entity, 'check failures', checks.slice(0, 3));
      for (let i = 0; i < writes.length; i += ap.batchSize(entity)) {
        const batch = await ap.submitMirror(entity, writes.slice(i, i + ap.batchSize(entity)) as never);
        const out = await ap.confirmMirror(batch);
        const counts: Record<string, number> = {};
        for (const o of out) counts[o.status] = (counts[o.status] ?? 0) + 1;
        console.log(pass, entity, 'outcomes', counts, out.filter((o) => o.status !== 'written').slice(0, 3));
      }
    }
  } finally {
    await inf.close(); await bw.close();
  }
}, 60000);
