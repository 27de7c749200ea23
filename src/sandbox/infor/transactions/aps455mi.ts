/** APS455MI/ValidByBatchNo — validate a batch and post it to the ledger (apis/infor.md §5.10, §7 items 17–19). */
import { toCents } from '../amounts.js';
import { M3_ERROR_CODE, M3Error } from '../envelope.js';
import { postBatch, SUPA } from '../invoice-posting.js';
import { assertOpen, findBatch } from './aps450mi.js';
import type { TransactionDef } from './types.js';

export const validByBatchNo: TransactionDef = {
  program: 'APS455MI',
  transaction: 'ValidByBatchNo',
  inputs: ['DIVI', 'INBN'],
  mandatory: ['INBN'],
  outputs: [],
  run({ input, cono, divi, store, config, nowMs }) {
    const batch = findBatch(store, input.INBN!, cono, divi);
    assertOpen(batch);
    const h = batch.head;
    const net = batch.lines.reduce((sum, l) => sum + toCents(l.NLAM ?? '0'), 0n);
    const vatLines = batch.lines.reduce((sum, l) => sum + toCents(l.VTA1 ?? '0'), 0n);
    const vat = toCents(h.VTAM ?? '0');
    // Balanced (MODELED): Σ NLAM + VTAM = CUAM and Σ VTA1 = VTAM; a batch without lines never is.
    const headOk = batch.lines.length > 0 && net + vat === toCents(h.CUAM ?? '0');
    const linesOk = vatLines === vat;
    if (!headOk || !linesOk) {
      h.SUPA = SUPA.VALIDATION_ERROR;
      h.IBHE = headOk ? '0' : '1';
      h.IBLE = linesOk ? '0' : '1';
      throw new M3Error(`Invoice batch ${h.INBN} is not balanced`, M3_ERROR_CODE.NOT_BALANCED, 'INBN');
    }
    h.IBHE = '0';
    h.IBLE = '0';
    if (config.validationDelaySeconds > 0) {
      // Accepted now, posted later: GetHead shows SUPA 10 until then (§7 item 19).
      h.SUPA = SUPA.ENTERED;
      batch.postsAtMs = nowMs + config.validationDelaySeconds * 1000;
    } else {
      postBatch(store, batch);
    }
    return [];
  },
};
