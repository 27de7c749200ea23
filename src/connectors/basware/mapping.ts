/**
 * Canonical master data → Basware P2P import entities (apis/basware.md §4.1, §4.2). A POST fully
 * overwrites the stored record, so every field mlsync knows is always sent; nothing is ever deleted:
 * an inactive record is sent with its active flag off (the soft delete).
 */
import type { DimensionValue, GlAccount, PurchaseOrder, PurchaseOrderLine, Supplier } from '../../model/master-data.js';
import type { BaswareConfig } from './config.js';
import type {
  AccountEntity,
  CostCenterEntity,
  GoodsReceiptEntity,
  LanguageTranslation,
  MatchingOrder,
  OrderLineEntity,
  VendorEntity,
} from './entities.js';
import { EXTERNAL_CODE_ENTITY as E, externalCode } from './external-code.js';
import type { ExternalCodeScope } from './external-code.js';

/** Basware asks for an en-US name on every account and cost center (§4.1). */
export const ALWAYS_LANGUAGE = 'en-US';
const ADDRESS_NAME = 'Postal address';
const MONEY_DECIMALS = 2;
const INT32_MAX = 2_147_483_647;

export type MappingConfig = Pick<
  BaswareConfig,
  | 'companyCode'
  | 'organizationElementCode'
  | 'sourceSystem'
  | 'externalCodePrefix'
  | 'paymentTermMap'
  | 'nameLanguage'
  | 'matchingMode'
  | 'receiptRequired'
  | 'receiptBasedMatching'
  | 'taxIdSchemeId'
>;

function scopeOf(cfg: MappingConfig): ExternalCodeScope {
  return { prefix: cfg.externalCodePrefix, companyCode: cfg.companyCode };
}

function compact<T extends object>(obj: T): T {
  for (const [k, v] of Object.entries(obj)) if (v === undefined) delete (obj as Record<string, unknown>)[k];
  return obj;
}

function names(cfg: MappingConfig, name: string): LanguageTranslation[] {
  const out: LanguageTranslation[] = [{ language: ALWAYS_LANGUAGE, translation: name }];
  if (cfg.nameLanguage !== ALWAYS_LANGUAGE) out.push({ language: cfg.nameLanguage, translation: name });
  return out;
}

function isoDateTime(date: string | undefined): string | undefined {
  return date === undefined ? undefined : `${date}T00:00:00Z`;
}

function money(n: number): number {
  return Number(n.toFixed(MONEY_DECIMALS));
}

export function vendorCode(cfg: MappingConfig, supplierCode: string): string {
  return externalCode(scopeOf(cfg), E.supplier, supplierCode);
}

export function mapVendor(cfg: MappingConfig, s: Supplier): VendorEntity {
  const scope = scopeOf(cfg);
  const a = s.address;
  const address =
    a && (a.street || a.city || a.postalCode || a.region || a.countryCode)
      ? compact({
          externalCode: externalCode(scope, E.supplierAddress, s.code),
          name: ADDRESS_NAME,
          addressType: 'PostalAddress' as const,
          streetName: a.street,
          cityName: a.city,
          postalZone: a.postalCode,
          countrySubEntity: a.region,
          countryId: a.countryCode,
          default: true,
        })
      : undefined;
  return compact({
    externalCode: vendorCode(cfg, s.code),
    vendorCode: s.code,
    name: s.name,
    sourceSystem: cfg.sourceSystem,
    identifiers: s.taxId ? [{ id: s.taxId, schemeId: cfg.taxIdSchemeId }] : undefined,
    addresses: address ? [address] : undefined,
    paymentMeans: s.paymentMethod
      ? [compact({ paymentMeansCode: s.paymentMethod, currencyCode: s.currency, default: true })]
      : undefined,
    paymentTerms: s.paymentTerms ? { paymentTermCode: cfg.paymentTermMap[s.paymentTerms] ?? s.paymentTerms } : undefined,
    // VendorCompanyEntity has no active flag: a vendor's soft delete is processingStatus.active (schema S1).
    processingStatus: { active: s.active },
    companies: [{ companyCode: cfg.companyCode, inheritToChildUnits: true }],
  });
}

export function mapAccount(cfg: MappingConfig, a: GlAccount): AccountEntity {
  return {
    externalCode: externalCode(scopeOf(cfg), E.account, a.code),
    accountCode: a.code,
    accountNames: names(cfg, a.name),
    companies: [{ companyCode: cfg.companyCode, inherit: true, active: a.active }],
  };
}

export function mapCostCenter(cfg: MappingConfig, d: DimensionValue): CostCenterEntity {
  return {
    externalCode: externalCode(scopeOf(cfg), E.costCenter, d.code),
    costCenterCode: d.code,
    costCenterNames: names(cfg, d.name),
    companies: [{ companyCode: cfg.companyCode, active: d.active }],
  };
}

/** The line number Basware shows and returns on coding rows: `10`, or `10-2` for M3 sub-line 2. */
export function baswareLineNumber(line: PurchaseOrderLine): string {
  return line.subLine && line.subLine !== '0' ? `${line.lineNumber}-${line.subLine}` : line.lineNumber;
}

function lineKey(po: PurchaseOrder, line: PurchaseOrderLine): string {
  return `${po.number}-${line.lineNumber}-${line.subLine ?? '0'}`;
}

function sortNumber(line: PurchaseOrderLine): number | undefined {
  const n = Number(line.lineNumber);
  return Number.isInteger(n) && n >= 0 && n <= INT32_MAX ? n : undefined;
}

/**
 * The ERP knows how much was received, not the individual receipts; one cumulative receipt per line
 * stands for them. A later POST replaces the line with all its receipts, so it always carries the total (§4.2).
 */
function cumulativeReceipt(cfg: MappingConfig, po: PurchaseOrder, line: PurchaseOrderLine): GoodsReceiptEntity | undefined {
  const received = line.receivedQuantity;
  if (received === undefined || !(received > 0)) return undefined;
  return compact({
    externalCode: externalCode(scopeOf(cfg), E.goodsReceipt, lineKey(po, line)),
    goodsReceiptNumber: lineKey(po, line),
    quantity: received,
    netSum: money(received * line.unitPrice),
    netPrice: line.unitPrice,
    unitOfMeasure: line.unit,
    isDeleted: false,
  });
}

/** Lines with a quantity of zero or less are left out: Basware requires quantity > 0 (§4.2). */
export function mapMatchingOrder(cfg: MappingConfig, po: PurchaseOrder): MatchingOrder {
  const scope = scopeOf(cfg);
  const orderCode = externalCode(scope, E.order, po.number);
  const lines: OrderLineEntity[] = po.lines
    .filter((l) => l.quantity > 0)
    .map((line) => {
      const receipt = cumulativeReceipt(cfg, po, line);
      return compact({
        externalCode: externalCode(scope, E.orderLine, lineKey(po, line)),
        orderExternalCode: orderCode,
        lineNumber: baswareLineNumber(line),
        sortNumber: sortNumber(line),
        quantity: line.quantity,
        netSum: line.netAmount,
        netPrice: line.unitPrice,
        currencyCode: po.currency,
        matchingMode: cfg.matchingMode,
        isReceiptRequired: cfg.receiptRequired,
        isReceiptBasedMatching: cfg.receiptBasedMatching,
        // Must be non-null when best-fit matching is used (§4.2); false is always right for a live line.
        isDeleted: false,
        uom: line.unit,
        productCode: line.itemCode,
        description: line.description,
        taxCode: line.taxCode,
        invoicedQuantity: line.invoicedQuantity,
        requestedDeliveryDate: isoDateTime(line.deliveryDate),
        goodsReceipts: receipt ? [receipt] : undefined,
      });
    });
  return {
    order: compact({
      externalCode: orderCode,
      orderNumber: po.number,
      sourceSystem: cfg.sourceSystem,
      companyCode: cfg.companyCode,
      organizationElementCode: cfg.organizationElementCode ?? cfg.companyCode,
      currencyCode: po.currency,
      supplierCode: po.supplierCode,
      created: isoDateTime(po.orderDate),
    }),
    lines,
  };
}
