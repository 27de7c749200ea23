/**
 * Answers for the supplier-invoice transactions (apis/infor.md §5.2, §5.7–§5.12) on top of the nock
 * gateway of fake-gateway.ts: a small in-memory M3 with batches, lines and ledger invoices, enough to
 * drive the posting flow. Tests override single transactions with `gw.on(...)` to inject faults.
 */
import type { M3Row, fakeInfor } from './fake-gateway.js';

type Gateway = ReturnType<typeof fakeInfor>;

export interface FakeBatch {
  head: M3Row;
  lines: M3Row[];
}

export interface FakeM3Options {
  /** Supplier → payee (PRSU); a supplier not listed is unknown to M3. */
  suppliers?: Record<string, string>;
  /** GetHead polls that still show SUPA 10 after a successful validation (§7 item 19). */
  pollsBeforePosted?: number;
}

const cents = (v: string | undefined) => Math.round(Number(v ?? '0') * 100);
const amount = (c: number) => (c / 100).toFixed(2);

export function fakeM3Invoices(gw: Gateway, options: FakeM3Options = {}) {
  const suppliers = options.suppliers ?? { '10001': '10001' };
  const batches = new Map<string, FakeBatch>();
  const ledger: M3Row[] = [];
  const pending = new Map<string, number>();
  let nextInbn = 1000123;
  let nextJrno = 345;

  const batchOf = (inbn: string | null) => batches.get(inbn ?? '');
  const missing = (inbn: string | null) => ({ error: `Invoice batch ${inbn} does not exist` });

  function post(batch: FakeBatch): void {
    const h = batch.head;
    h.SUPA = '90';
    ledger.push({
      YEA4: (h.ACDT ?? h.IVDT ?? '').slice(0, 4),
      JRNO: String(nextJrno++),
      JSNO: '1',
      TRCD: '40',
      SPYN: h.SPYN ?? '',
      SUNO: h.SUNO ?? '',
      SINO: h.SINO ?? '',
      INYR: (h.IVDT ?? '').slice(0, 4),
      CUCD: h.CUCD ?? '',
      CUAM: h.CUAM ?? '0.00',
      VTAM: h.VTAM ?? '0.00',
      IVDT: h.IVDT ?? '',
      PYME: 'BTR',
      RECO: '0',
      REDE: '',
      PCUA: '0.00',
      OCUA: h.CUAM ?? '0.00',
    });
  }

  gw.on('CRS620MI/GetBasicData', (c) => {
    const suno = c.params.get('SUNO') ?? '';
    const payee = suppliers[suno];
    return payee === undefined ? { error: `Supplier ${suno} does not exist` } : { records: [{ SUNO: suno, STAT: '20', PRSU: payee }] };
  });

  gw.on('APS450MI/LstInvBySupInv', (c) => ({
    records: [...batches.values()]
      .map((b) => b.head)
      .filter((h) => h.SUNO === c.params.get('SUNO') && h.SPYN === c.params.get('SPYN') && h.SINO === c.params.get('SINO'))
      .map((h) => ({ INBN: h.INBN ?? '', IBTP: '20', SUPA: h.SUPA ?? '' })),
  }));

  gw.on('APS450MI/AddHead', (c) => {
    const suno = c.params.get('SUNO') ?? '';
    if (suppliers[suno] === undefined) return { error: `Supplier ${suno} does not exist` };
    const inbn = String(nextInbn++);
    const head: M3Row = { INBN: inbn, SUPA: '10', IBHE: '0', IBLE: '0' };
    for (const [k, v] of c.params) if (/^[A-Z0-9]{4}$/.test(k)) head[k] = v;
    batches.set(inbn, { head, lines: [] });
    return { records: [{ INBN: inbn }] };
  });

  gw.on('APS450MI/AddLine', (c) => {
    const batch = batchOf(c.params.get('INBN'));
    if (!batch) return missing(c.params.get('INBN'));
    if (batch.head.SUPA === '90') return { error: `Invoice batch ${batch.head.INBN} is already updated` };
    const line: M3Row = { TRNO: String(batch.lines.length + 1) };
    for (const [k, v] of c.params) if (/^[A-Z0-9]{4}$/.test(k) && k !== 'DIVI') line[k] = v;
    batch.lines.push(line);
    return { records: [{ TRNO: line.TRNO as string }] };
  });

  gw.on('APS450MI/LstLines', (c) => {
    const batch = batchOf(c.params.get('INBN'));
    return batch ? { records: batch.lines } : missing(c.params.get('INBN'));
  });

  gw.on('APS450MI/GetHead', (c) => {
    const inbn = c.params.get('INBN') ?? '';
    const batch = batchOf(inbn);
    if (!batch) return missing(inbn);
    const wait = pending.get(inbn);
    if (wait !== undefined) {
      if (wait <= 0) {
        pending.delete(inbn);
        post(batch);
      } else pending.set(inbn, wait - 1);
    }
    return { records: [batch.head] };
  });

  gw.on('APS450MI/DltInvoice', (c) => {
    const batch = batchOf(c.params.get('INBN'));
    if (!batch) return missing(c.params.get('INBN'));
    if (batch.head.SUPA === '90') return { error: `Invoice batch ${batch.head.INBN} is already updated` };
    batches.delete(batch.head.INBN ?? '');
    return { records: [] };
  });

  gw.on('APS455MI/ValidByBatchNo', (c) => {
    const batch = batchOf(c.params.get('INBN'));
    if (!batch) return missing(c.params.get('INBN'));
    const h = batch.head;
    if (h.SUPA === '90') return { error: `Invoice batch ${h.INBN} is already updated` };
    if (pending.has(h.INBN ?? '')) return { error: `Invoice batch ${h.INBN} is being validated` };
    const net = batch.lines.reduce((s, l) => s + cents(l.NLAM), 0);
    const vat = batch.lines.reduce((s, l) => s + cents(l.VTA1), 0);
    if (batch.lines.length === 0 || net + cents(h.VTAM) !== cents(h.CUAM) || vat !== cents(h.VTAM)) {
      h.SUPA = '15';
      h.IBHE = '1';
      return { error: `Invoice batch ${h.INBN} is not balanced` };
    }
    if (options.pollsBeforePosted) pending.set(h.INBN ?? '', options.pollsBeforePosted);
    else post(batch);
    return { records: [] };
  });

  gw.on('APS200MI/GetInvTotInfo', (c) => {
    const p = c.params;
    const found = ledger.find(
      (r) => r.SPYN === p.get('SPYN') && r.SUNO === p.get('SUNO') && r.SINO === p.get('SINO') && r.INYR === p.get('INYR'),
    );
    return found ? { records: [found] } : { error: 'Record does not exist' };
  });

  return {
    batches,
    ledger,
    /** A payment run in M3 (§5.12 effect). */
    pay(sino: string, paid: number, date: string) {
      const r = ledger.find((l) => l.SINO === sino);
      if (!r) throw new Error(`no ledger invoice ${sino}`);
      const open = cents(r.OCUA) - Math.round(paid * 100);
      r.PCUA = amount(cents(r.PCUA) + Math.round(paid * 100));
      r.OCUA = amount(open);
      if (open === 0) {
        r.RECO = '9';
        r.REDE = date;
      }
    },
    /** Put a batch in M3 as an earlier attempt would have left it. */
    seedBatch(head: M3Row, lines: M3Row[] = []) {
      const inbn = head.INBN ?? String(nextInbn++);
      batches.set(inbn, { head: { SUPA: '10', IBHE: '0', IBLE: '0', ...head, INBN: inbn }, lines });
      return inbn;
    },
    amount,
  };
}
