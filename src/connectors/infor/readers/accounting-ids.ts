/**
 * GL accounts and cost centers (apis/infor.md §5.6, §6.2): CRS630MI LstAccountID for one accounting
 * dimension (AITP), paged by AITM. It has no change filter, so every page is read and only rows with
 * LMTS after the watermark are kept; the next watermark is the largest LMTS seen.
 */
import type { MirrorRead, ReadContext, SourceItem } from '../../types.js';
import { M3_TRANSACTIONS } from '../descriptor.js';
import { pageByKey } from '../key-paging.js';
import { compareLmts, isLmts, m3DateOf, maxLmts } from '../m3-values.js';
import type { M3Record } from '../m3-values.js';
import { mappingReason } from '../mapping.js';
import type { ReaderContext } from './context.js';

export interface AccountingIdReadOptions<T> {
  aitp: number;
  /** 'GL account', 'cost center': used in reasons. */
  what: string;
  map(rec: M3Record, today: string): T;
}

export function readAccountingIds<T>(
  rc: ReaderContext,
  since: string | null,
  ctx: ReadContext,
  opts: AccountingIdReadOptions<T>,
): MirrorRead<T> {
  const { m3, config } = rc;
  let finished = false;
  let maxSeen: string | null = since;
  const today = m3DateOf(ctx.runStartedAt);

  async function* items(): AsyncGenerator<SourceItem<T>> {
    const rows = pageByKey<M3Record>({
      pageSize: config.m3.pageSize,
      keyOf: (r) => r.AITM ?? '',
      fetchPage: (fromKey, maxrecs) =>
        m3.call(
          M3_TRANSACTIONS.lstAccountIds,
          { AITP: String(opts.aitp), DIVI: config.division, AITM: fromKey },
          { maxrecs },
        ),
    });
    for await (const row of rows) {
      const code = row.AITM ?? '';
      const lmts = row.LMTS ?? '';
      if (!isLmts(lmts)) {
        // Without a timestamp the change filter cannot decide; hold the row rather than skip it.
        yield { key: code, invalid: `${opts.what} ${code}: LMTS "${lmts}" is not an M3 timestamp`, raw: row };
        continue;
      }
      if (since !== null && compareLmts(lmts, since) <= 0) continue;
      maxSeen = maxLmts(maxSeen, lmts);
      if (code === '') {
        yield { key: '(no AITM)', invalid: `CRS630MI/LstAccountID returned a ${opts.what} row without a code (AITM)`, raw: row };
        continue;
      }
      try {
        yield { key: code, record: opts.map(row, today), raw: row };
      } catch (err) {
        const reason = mappingReason(err);
        if (reason === undefined) throw err;
        yield { key: code, invalid: `${opts.what} ${code}: ${reason}`, raw: row };
      }
    }
    finished = true;
  }

  return { items: items(), nextWatermark: () => (finished ? maxSeen : null) };
}
