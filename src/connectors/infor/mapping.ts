/**
 * M3 records → canonical master data (src/model). Each mapper either returns a record that passed
 * the canonical zod schema or throws M3ValueError / MappingError with a reason for the operator; the
 * readers turn that into an invalid SourceItem, never a crashed run.
 */
import type { z } from 'zod';
import { DimensionValue, GlAccount, PurchaseOrder, PurchaseOrderLine, Supplier } from '../../model/master-data.js';
import { M3_ACCOUNT_OPEN_LCCD, M3_SUPPLIER_STATUS_BLOCKED } from './descriptor.js';
import { M3ValueError, m3Date, m3Decimal, m3RequiredDecimal, text } from './m3-values.js';
import type { M3Record } from './m3-values.js';

/** The canonical schema refused what the mapper built. */
export class MappingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MappingError';
  }
}

/** Dimension name of cost centers in the canonical model. */
export const COST_CENTER_DIMENSION = 'costCenter';

function validated<S extends z.ZodType>(schema: S, value: Record<string, unknown>): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => {
    const path = i.path.join('.') || '(record)';
    const top = i.path[0];
    return typeof top === 'string' && value[top] === undefined ? `${path} is missing (empty in M3)` : `${path}: ${i.message}`;
  });
  throw new MappingError(issues.join('; '));
}

/** Drops undefined values so optional fields stay absent, not `undefined`. */
function compact<T extends Record<string, unknown>>(obj: T): T {
  for (const k of Object.keys(obj)) if (obj[k] === undefined) delete obj[k];
  return obj;
}

/**
 * CRS620MI supplier: the LstSuppliers row merged with GetBasicData (which wins where it has a value),
 * because neither output is documented as a superset of the other (§5.1, §5.2).
 */
export function mapSupplier(listRow: M3Record, basic: M3Record): Supplier {
  const rec: M3Record = { ...listRow };
  for (const [k, v] of Object.entries(basic)) if (v !== '') rec[k] = v;
  const code = text(rec, 'SUNO') ?? '';
  const payee = text(rec, 'PRSU');
  const address = compact({
    street: text(rec, 'ADR1'),
    city: text(rec, 'TOWN'),
    postalCode: text(rec, 'PONO'),
    region: text(rec, 'ECAR'),
  });
  const country = text(rec, 'CSCD');
  return validated(
    Supplier,
    compact({
      code,
      name: text(rec, 'SUNM'),
      active: rec.STAT !== M3_SUPPLIER_STATUS_BLOCKED,
      countryCode: country,
      currency: text(rec, 'CUCD'),
      paymentTerms: text(rec, 'TEPY'),
      paymentMethod: text(rec, 'PYME'),
      taxId: text(rec, 'TINO'),
      payeeCode: payee !== undefined && payee !== code ? payee : undefined,
      address:
        Object.keys(address).length > 0
          ? compact({ ...address, countryCode: country?.length === 2 ? country : undefined })
          : undefined,
    })
  );
}

/** Decimal places kept when a unit price has to be derived from the line amount. */
const DERIVED_PRICE_DECIMALS = 6;

/**
 * PPS200MI line. PUPR is the price per PUCD units of the price unit PPUN; when PPUN is the order
 * unit the canonical unit price is PUPR/PUCD, otherwise it is derived from LNAM/ORQA so that it is
 * always per order unit (§5.5).
 */
function mapPoLine(rec: M3Record): PurchaseOrderLine {
  const quantity = m3RequiredDecimal(rec, 'ORQA');
  const netAmount = m3RequiredDecimal(rec, 'LNAM');
  const price = m3RequiredDecimal(rec, 'PUPR');
  const priceQty = m3Decimal(rec, 'PUCD');
  const unit = text(rec, 'PUUN');
  const priceUnit = text(rec, 'PPUN');
  let unitPrice = priceQty && priceQty > 0 ? price / priceQty : price;
  if (priceUnit !== undefined && unit !== undefined && priceUnit !== unit && quantity !== 0) {
    unitPrice = Number((netAmount / quantity).toFixed(DERIVED_PRICE_DECIMALS));
  }
  return compact({
    lineNumber: text(rec, 'PNLI') ?? '',
    subLine: text(rec, 'PNLS'),
    itemCode: text(rec, 'ITNO'),
    description: text(rec, 'PITD'),
    quantity,
    unit,
    unitPrice,
    netAmount,
    receivedQuantity: m3Decimal(rec, 'RVQA'),
    invoicedQuantity: m3Decimal(rec, 'IVQA'),
    taxCode: text(rec, 'VTCD'),
    deliveryDate: m3Date(rec, 'DWDT'),
    // PUSL is the lowest status of the line: what is still open on it (§5.5).
    status: text(rec, 'PUSL'),
  });
}

/** PPS200MI GetHead + LstLine → PurchaseOrder; a bad line makes the whole order invalid, naming the line. */
export function mapPurchaseOrder(head: M3Record, lines: M3Record[]): PurchaseOrder {
  const number = text(head, 'PUNO') ?? '';
  const mappedLines = lines.map((line) => {
    try {
      return mapPoLine(line);
    } catch (err) {
      if (err instanceof M3ValueError) {
        const sub = text(line, 'PNLS');
        throw new MappingError(`line ${line.PNLI ?? '?'}${sub && sub !== '0' ? `/${sub}` : ''}: ${err.message}`);
      }
      throw err;
    }
  });
  return validated(
    PurchaseOrder,
    compact({
      number,
      supplierCode: text(head, 'SUNO'),
      orderDate: m3Date(head, 'PUDT'),
      currency: text(head, 'CUCD'),
      buyer: text(head, 'BUYE'),
      netTotal: m3Decimal(head, 'NTAM'),
      lines: mappedLines,
    })
  );
}

/** Active = LCCD 0 and `today` (yyyyMMdd) within VFDT..VTDT, an unset bound being open (§5.6). */
export function isAccountActive(rec: M3Record, today: string): boolean {
  if ((rec.LCCD ?? M3_ACCOUNT_OPEN_LCCD) !== M3_ACCOUNT_OPEN_LCCD) return false;
  const from = m3Date(rec, 'VFDT');
  const to = m3Date(rec, 'VTDT');
  const day = `${today.slice(0, 4)}-${today.slice(4, 6)}-${today.slice(6, 8)}`;
  return (from === undefined || from <= day) && (to === undefined || day <= to);
}

/** An accounting identity's name: TX40, else TX15, else its code (Basware needs a name, M3 may have none). */
function accountName(rec: M3Record): string | undefined {
  return text(rec, 'TX40') ?? text(rec, 'TX15') ?? text(rec, 'AITM');
}

export function mapGlAccount(rec: M3Record, today: string): GlAccount {
  const code = text(rec, 'AITM') ?? '';
  return validated(GlAccount, { code, name: accountName(rec), active: isAccountActive(rec, today) });
}

export function mapCostCenter(rec: M3Record, today: string): DimensionValue {
  const code = text(rec, 'AITM') ?? '';
  return validated(
    DimensionValue,
    { dimension: COST_CENTER_DIMENSION, code, name: accountName(rec), active: isAccountActive(rec, today) },
  );
}

/** The reason an item could not be mapped, for SourceItem.invalid; other errors propagate. */
export function mappingReason(err: unknown): string | undefined {
  if (err instanceof MappingError || err instanceof M3ValueError) return err.message;
  return undefined;
}
