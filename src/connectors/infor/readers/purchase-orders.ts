/**
 * Purchase orders (apis/infor.md §5.3–§5.5, §6.2): there is no "list changed heads" transaction, so
 * EXPORTMI reads PO heads (MPHEAD) and lines (MPLINE) changed after the watermark; each distinct PUNO
 * is then read with PPS200MI GetHead + LstLine. The next watermark is the largest LMTS seen.
 */
import type { PurchaseOrder } from '../../../model/master-data.js';
import type { MirrorRead, SourceItem } from '../../types.js';
import { M3_TRANSACTIONS } from '../descriptor.js';
import { parseExportTemplate, readExport } from '../exportmi.js';
import type { ExportTemplate } from '../exportmi.js';
import { M3BusinessError } from '../m3-client.js';
import { isLmts, maxLmts } from '../m3-values.js';
import { mapPurchaseOrder, mappingReason } from '../mapping.js';
import type { ReaderContext } from './context.js';

const HEADS_KEY = 'erp.m3.exportQueries.poHeads';
const LINES_KEY = 'erp.m3.exportQueries.poLines';

export function readPurchaseOrders(rc: ReaderContext, since: string | null): MirrorRead<PurchaseOrder> {
  const { config } = rc;
  // Parsed up front so a bad template is a config error before any request.
  const heads = parseExportTemplate(config.m3.exportQueries.poHeads, HEADS_KEY);
  const lines = parseExportTemplate(config.m3.exportQueries.poLines, LINES_KEY);
  let finished = false;
  let maxSeen: string | null = since;

  async function* items(): AsyncGenerator<SourceItem<PurchaseOrder>> {
    const seen = new Set<string>();
    for (const template of [heads, lines]) {
      const rows = readExport({ m3: rc.m3, template, since, pageSize: config.m3.pageSize, maxRows: config.m3.exportMaxRows });
      for await (const row of rows) {
        const lmts = row.values[template.lmtsColumn] ?? '';
        if (isLmts(lmts)) maxSeen = maxLmts(maxSeen, lmts);
        const puno = row.values[punoColumn(template)] ?? '';
        if (puno === '') {
          yield { key: `(EXPORTMI ${template.configKey})`, invalid: `EXPORTMI row "${row.repl}" has no PO number`, raw: row.repl };
          continue;
        }
        if (seen.has(puno)) continue;
        seen.add(puno);
        yield await purchaseOrderItem(rc, puno);
      }
    }
    finished = true;
  }

  return { items: items(), nextWatermark: () => (finished ? maxSeen : null) };
}

function punoColumn(t: ExportTemplate): string {
  return t.columns.find((c) => c.endsWith('PUNO')) ?? t.keysetColumn ?? (t.columns[0] as string);
}

async function purchaseOrderItem(rc: ReaderContext, puno: string): Promise<SourceItem<PurchaseOrder>> {
  const { m3, config } = rc;
  let head;
  let lines;
  try {
    head = (await m3.call(M3_TRANSACTIONS.getPoHead, { PUNO: puno }, { maxrecs: 1 }))[0] ?? {};
    lines = await m3.call(M3_TRANSACTIONS.lstPoLines, { PUNO: puno }, { maxrecs: config.m3.exportMaxRows });
  } catch (err) {
    if (err instanceof M3BusinessError) {
      return { key: puno, invalid: `purchase order ${puno}: ${err.program}/${err.transaction} failed: ${err.m3Message}` };
    }
    throw err;
  }
  if (lines.length >= config.m3.exportMaxRows) {
    return {
      key: puno,
      invalid: `purchase order ${puno} has ${lines.length} or more lines, more than one LstLine call returns (erp.m3.exportMaxRows); raise it`,
    };
  }
  try {
    return { key: puno, record: mapPurchaseOrder(head, lines), raw: { head, lines } };
  } catch (err) {
    const reason = mappingReason(err);
    if (reason === undefined) throw err;
    return { key: puno, invalid: `purchase order ${puno}: ${reason}`, raw: { head, lines } };
  }
}
