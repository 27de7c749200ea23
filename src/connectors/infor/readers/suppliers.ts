/**
 * Suppliers (apis/infor.md §5.1, §5.2, §6.2): LstSuppliers changed after the watermark, paged by
 * SUNO, then GetBasicData per supplier. LstSuppliers output has no LMTS, so the next watermark is the
 * run start minus erp.m3.lagSeconds (changes committed while the run reads are picked up next time).
 */
import type { MirrorRead, ReadContext, SourceItem } from '../../types.js';
import type { Supplier } from '../../../model/master-data.js';
import { M3_TRANSACTIONS } from '../descriptor.js';
import { pageByKey } from '../key-paging.js';
import { M3BusinessError } from '../m3-client.js';
import { formatLmts } from '../m3-values.js';
import type { M3Record } from '../m3-values.js';
import { mapSupplier, mappingReason } from '../mapping.js';
import type { ReaderContext } from './context.js';

export function readSuppliers(rc: ReaderContext, since: string | null, ctx: ReadContext): MirrorRead<Supplier> {
  const { m3, config } = rc;
  let finished = false;
  const watermark = formatLmts(new Date(ctx.runStartedAt.getTime() - config.m3.lagSeconds * 1000));

  async function* items(): AsyncGenerator<SourceItem<Supplier>> {
    const rows = pageByKey<M3Record>({
      pageSize: config.m3.pageSize,
      keyOf: (r) => r.SUNO ?? '',
      fetchPage: (fromKey, maxrecs) =>
        m3.call(M3_TRANSACTIONS.lstSuppliers, { LMTS: since ?? undefined, FRSU: fromKey }, { maxrecs }),
    });
    for await (const row of rows) {
      const suno = row.SUNO ?? '';
      if (suno === '') {
        yield { key: '(no SUNO)', invalid: 'CRS620MI/LstSuppliers returned a row without a supplier number (SUNO)', raw: row };
        continue;
      }
      yield await supplierItem(rc, suno, row);
    }
    finished = true;
  }

  return { items: items(), nextWatermark: () => (finished ? watermark : null) };
}

async function supplierItem(rc: ReaderContext, suno: string, row: M3Record): Promise<SourceItem<Supplier>> {
  let basic: M3Record;
  try {
    const records = await rc.m3.call(M3_TRANSACTIONS.getSupplier, { SUNO: suno }, { maxrecs: 1 });
    basic = records[0] ?? {};
  } catch (err) {
    if (err instanceof M3BusinessError) {
      return { key: suno, invalid: `CRS620MI/GetBasicData for supplier ${suno} failed: ${err.m3Message}`, raw: row };
    }
    throw err;
  }
  try {
    return { key: suno, record: mapSupplier(row, basic), raw: basic };
  } catch (err) {
    const reason = mappingReason(err);
    if (reason === undefined) throw err;
    return { key: suno, invalid: `supplier ${suno}: ${reason}`, raw: basic };
  }
}
