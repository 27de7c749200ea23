/**
 * APS450MI — supplier invoice batch (apis/infor.md §5.7–§5.9, §5.11). Add transactions are NOT idempotent:
 * the same AddHead twice makes two batches (§7 item 8).
 */
import { formatCents, multiplyToCents, toCents } from '../amounts.js';
import { M3_ERROR_CODE, M3Error, type M3Record } from '../envelope.js';
import { SUPA } from '../invoice-posting.js';
import { addDaysYmd, ymd } from '../m3-time.js';
import type { InvoiceBatch, M3Store } from '../store.js';
import type { TransactionDef } from './types.js';

/** The only batch type the simulator supports: supplier invoice (§5.8). */
const IBTP_SUPPLIER_INVOICE = '20';
/** Line types (RDTP): 1 = PO-matched item line; 2, 5, 8 = accounting lines (8 for non-PO coding, §5.9). */
const RDTP_PO_LINE = '1';
const RDTP_ACCOUNTING = new Set(['2', '5', '8']);
const AIT_FIELDS = ['AIT1', 'AIT2', 'AIT3', 'AIT4', 'AIT5', 'AIT6', 'AIT7'] as const;
const STATUS_BLOCKED = '90';

/** Find a batch of the caller's company and division; throws the business errors of §5.9. */
export function findBatch(store: M3Store, inbn: string, cono: string, divi: string): InvoiceBatch {
  const batch = store.batches.get(String(Number(inbn)));
  if (!batch || batch.head.CONO !== cono || batch.head.DIVI !== divi) {
    throw new M3Error(`Invoice batch ${inbn} does not exist`, M3_ERROR_CODE.NOT_FOUND, 'INBN');
  }
  return batch;
}

/** Refuse changes to a batch that is posted or being posted. */
export function assertOpen(batch: InvoiceBatch): void {
  const inbn = batch.head.INBN;
  if (batch.head.SUPA === SUPA.POSTED) {
    throw new M3Error(`Invoice batch ${inbn} is already updated`, M3_ERROR_CODE.STATUS, 'INBN');
  }
  if (batch.postsAtMs !== undefined) {
    throw new M3Error(`Invoice batch ${inbn} is being validated`, M3_ERROR_CODE.STATUS, 'INBN');
  }
}

/** Due date from payment terms like `30D` (MODELED); without a day count, the invoice date. */
function dueDate(ivdt: string, tepy: string | undefined): string {
  const days = /(\d+)/.exec(tepy ?? '')?.[1];
  return days ? addDaysYmd(ivdt, Number(days)) : ivdt;
}

export const lstInvBySupInv: TransactionDef = {
  program: 'APS450MI',
  transaction: 'LstInvBySupInv',
  inputs: ['DIVI', 'SPYN', 'SUNO', 'SINO'],
  mandatory: ['SPYN', 'SUNO', 'SINO'],
  outputs: ['INBN', 'IBTP', 'SUPA', 'SUNO', 'SPYN', 'SINO', 'IVDT', 'CUCD', 'CUAM', 'CORI'],
  run({ input, cono, divi, store }) {
    // No match is an empty list, not an error (§7 item 9); earlier duplicates all show (§7 item 8).
    return [...store.batches.values()]
      .map((b) => b.head)
      .filter(
        (h) => h.CONO === cono && h.DIVI === divi && h.SPYN === input.SPYN && h.SUNO === input.SUNO && h.SINO === input.SINO,
      );
  },
};

export const addHead: TransactionDef = {
  program: 'APS450MI',
  transaction: 'AddHead',
  inputs: ['DIVI', 'SUNO', 'IVDT', 'IBTP', 'SINO', 'SPYN', 'CUCD', 'CUAM', 'VTAM', 'ACDT', 'DUDT', 'TEPY', 'PUNO', 'CORI'],
  mandatory: ['SUNO', 'IVDT'],
  outputs: ['INBN'],
  run({ input, cono, divi, store, nowMs }) {
    const supplier = store.supplier(cono, input.SUNO!);
    if (!supplier) throw new M3Error(`Supplier ${input.SUNO} does not exist`, M3_ERROR_CODE.SUPPLIER_NOT_FOUND, 'SUNO');
    if (supplier.STAT === STATUS_BLOCKED) {
      throw new M3Error(`Supplier ${input.SUNO} is blocked`, M3_ERROR_CODE.SUPPLIER_BLOCKED, 'SUNO');
    }
    const spyn = input.SPYN ?? (supplier.PRSU || supplier.SUNO!);
    if (!store.supplier(cono, spyn)) throw new M3Error(`Payee ${spyn} does not exist`, M3_ERROR_CODE.SUPPLIER_NOT_FOUND, 'SPYN');
    const ibtp = input.IBTP ?? IBTP_SUPPLIER_INVOICE;
    if (ibtp !== IBTP_SUPPLIER_INVOICE) {
      throw new M3Error(`Invoice batch type ${ibtp} is invalid`, M3_ERROR_CODE.INVALID_VALUE, 'IBTP');
    }
    if (input.PUNO !== undefined && !store.purchaseOrder(cono, input.PUNO)) {
      throw new M3Error(`Purchase order ${input.PUNO} does not exist`, M3_ERROR_CODE.NOT_FOUND, 'PUNO');
    }
    const tepy = input.TEPY ?? supplier.TEPY ?? '';
    const head: M3Record = {
      CONO: cono,
      DIVI: divi,
      INBN: store.newInbn(),
      IBTP: ibtp,
      SUNO: input.SUNO!,
      SPYN: spyn,
      SINO: input.SINO ?? '',
      IVDT: input.IVDT!,
      ACDT: input.ACDT ?? input.IVDT!,
      DUDT: input.DUDT ?? dueDate(input.IVDT!, tepy),
      CUCD: input.CUCD ?? supplier.CUCD ?? '',
      CUAM: formatCents(toCents(input.CUAM ?? '0')),
      VTAM: formatCents(toCents(input.VTAM ?? '0')),
      TLNA: '0.00',
      TEPY: tepy,
      PUNO: input.PUNO ?? '',
      CORI: input.CORI ?? '',
      SUPA: SUPA.ENTERED,
      IBHE: '0',
      IBLE: '0',
      LMDT: ymd(new Date(nowMs)),
    };
    store.batches.set(head.INBN!, { head, lines: [], postsAtMs: undefined });
    return [{ INBN: head.INBN! }];
  },
};

export const addLine: TransactionDef = {
  program: 'APS450MI',
  transaction: 'AddLine',
  inputs: [
    'DIVI', 'INBN', 'RDTP', 'NLAM', 'VTCD', 'VTA1', 'CHGT', ...AIT_FIELDS, 'PUNO', 'PNLI', 'PNLS', 'IVQA', 'GRPR', 'REPN',
  ],
  mandatory: ['INBN', 'RDTP'],
  outputs: ['TRNO'],
  run({ input, cono, divi, store, nowMs }) {
    const batch = findBatch(store, input.INBN!, cono, divi);
    assertOpen(batch);
    const rdtp = input.RDTP!;
    let nlam = input.NLAM;
    if (rdtp === RDTP_PO_LINE) {
      for (const f of ['PUNO', 'PNLI'] as const) {
        if (input[f] === undefined) throw new M3Error(`${f} must be entered`, M3_ERROR_CODE.MANDATORY, f);
      }
      const pnls = input.PNLS ?? '0';
      const line = store.purchaseOrder(cono, input.PUNO!)?.lines.find((l) => l.PNLI === input.PNLI && l.PNLS === pnls);
      if (!line) {
        throw new M3Error(`Purchase order line ${input.PUNO} ${input.PNLI} does not exist`, M3_ERROR_CODE.NOT_FOUND, 'PNLI');
      }
      if (nlam === undefined && input.IVQA !== undefined && input.GRPR !== undefined) {
        nlam = formatCents(multiplyToCents(input.IVQA, input.GRPR));
      }
    } else if (RDTP_ACCOUNTING.has(rdtp)) {
      if (input.AIT1 === undefined) throw new M3Error('AIT1 must be entered', M3_ERROR_CODE.MANDATORY, 'AIT1');
      // Each AITn must exist as an accounting identity of dimension n (§5.9, §7 item 16).
      AIT_FIELDS.forEach((f, i) => {
        const value = input[f];
        if (value !== undefined && !store.account(cono, batch.head.DIVI!, String(i + 1), value)) {
          throw new M3Error(`Accounting identity ${value} does not exist`, M3_ERROR_CODE.NOT_FOUND, f);
        }
      });
    } else {
      throw new M3Error(`Line type ${rdtp} is invalid`, M3_ERROR_CODE.INVALID_VALUE, 'RDTP');
    }
    const line: M3Record = {
      INBN: batch.head.INBN!,
      TRNO: String(batch.lines.length + 1),
      RDTP: rdtp,
      NLAM: formatCents(toCents(nlam ?? '0')),
      VTA1: formatCents(toCents(input.VTA1 ?? '0')),
      VTCD: input.VTCD ?? '',
      CHGT: input.CHGT ?? '',
      PUNO: input.PUNO ?? '',
      PNLI: input.PNLI ?? '',
      PNLS: rdtp === RDTP_PO_LINE ? (input.PNLS ?? '0') : (input.PNLS ?? ''),
      IVQA: input.IVQA ?? '',
      GRPR: input.GRPR ?? '',
      REPN: input.REPN ?? '',
      CINO: batch.head.SINO ?? '',
      INYR: batch.head.IVDT!.slice(0, 4),
    };
    for (const f of AIT_FIELDS) line[f] = input[f] ?? '';
    batch.lines.push(line);
    batch.head.TLNA = formatCents(batch.lines.reduce((sum, l) => sum + toCents(l.NLAM!), 0n));
    batch.head.LMDT = ymd(new Date(nowMs));
    return [{ TRNO: line.TRNO! }];
  },
};

export const getHead: TransactionDef = {
  program: 'APS450MI',
  transaction: 'GetHead',
  inputs: ['DIVI', 'INBN'],
  mandatory: ['INBN'],
  outputs: [
    'DIVI', 'INBN', 'IBTP', 'SUPA', 'IBHE', 'IBLE', 'SUNO', 'SPYN', 'SINO', 'IVDT', 'ACDT', 'DUDT', 'CUCD', 'CUAM', 'VTAM',
    'TLNA', 'TEPY', 'PUNO', 'CORI', 'LMDT',
  ],
  run: ({ input, cono, divi, store }) => [findBatch(store, input.INBN!, cono, divi).head],
};

export const lstLines: TransactionDef = {
  program: 'APS450MI',
  transaction: 'LstLines',
  inputs: ['DIVI', 'INBN'],
  mandatory: ['INBN'],
  outputs: [
    'TRNO', 'RDTP', 'NLAM', 'VTA1', 'VTCD', 'PUNO', 'PNLI', 'PNLS', 'IVQA', 'GRPR', 'REPN', 'CINO', 'INYR', ...AIT_FIELDS,
    'CHGT',
  ],
  run: ({ input, cono, divi, store }) => findBatch(store, input.INBN!, cono, divi).lines,
};

export const dltInvoice: TransactionDef = {
  program: 'APS450MI',
  transaction: 'DltInvoice',
  inputs: ['DIVI', 'INBN'],
  mandatory: ['INBN'],
  outputs: [],
  run({ input, cono, divi, store }) {
    const batch = findBatch(store, input.INBN!, cono, divi);
    // Only batches not yet posted (SUPA < 90) can be deleted (§5.11).
    assertOpen(batch);
    store.batches.delete(batch.head.INBN!);
    return [];
  },
};
