/**
 * The Basware P2P shapes mlsync sends and reads, field names exactly as in basware-p2p-openapi.json
 * (VendorEntity, AccountEntity, CostCenterEntity, OrderEntity, OrderLineEntity, GoodsReceiptEntity,
 * RequestStatusResponse, ResponseEntityList). Only the fields mlsync fills are typed; every schema is
 * `additionalProperties: false`, so nothing else may be sent.
 */
import { z } from 'zod';

export interface LanguageTranslation {
  language: string;
  translation: string;
}

export interface VendorEntity {
  externalCode: string;
  vendorCode: string;
  name: string;
  sourceSystem?: string;
  identifiers?: Array<{ id: string; schemeId: string }>;
  addresses?: Array<{
    externalCode: string;
    name: string;
    addressType?: 'PostalAddress';
    streetName?: string;
    cityName?: string;
    postalZone?: string;
    countrySubEntity?: string;
    countryId?: string;
    default?: boolean;
  }>;
  paymentMeans?: Array<{ paymentMeansCode: string; currencyCode?: string; default?: boolean }>;
  paymentTerms?: { paymentTermCode: string };
  processingStatus?: { active: boolean };
  companies: Array<{ companyCode: string; inheritToChildUnits?: boolean }>;
}

export interface AccountEntity {
  externalCode: string;
  accountCode: string;
  accountNames: LanguageTranslation[];
  companies: Array<{ companyCode: string; inherit: boolean; active: boolean }>;
}

export interface CostCenterEntity {
  externalCode: string;
  costCenterCode: string;
  costCenterNames: LanguageTranslation[];
  companies: Array<{ companyCode: string; active: boolean }>;
}

export interface OrderEntity {
  externalCode: string;
  orderNumber: string;
  sourceSystem: string;
  companyCode: string;
  organizationElementCode: string;
  currencyCode: string;
  supplierCode: string;
  created?: string;
}

export interface GoodsReceiptEntity {
  externalCode: string;
  goodsReceiptNumber: string;
  quantity: number;
  netSum?: number;
  netPrice?: number;
  unitOfMeasure?: string;
  isDeleted?: boolean;
}

export interface OrderLineEntity {
  externalCode: string;
  orderExternalCode: string;
  lineNumber: string;
  sortNumber?: number;
  quantity: number;
  netSum?: number;
  netPrice?: number;
  currencyCode?: string;
  matchingMode: 'Standard' | 'Blanket' | 'Return' | 'Service';
  isReceiptRequired?: boolean;
  isReceiptBasedMatching?: boolean;
  isDeleted?: boolean;
  uom?: string;
  productCode?: string;
  description?: string;
  taxCode?: string;
  invoicedQuantity?: number;
  requestedDeliveryDate?: string;
  goodsReceipts?: GoodsReceiptEntity[];
}

/** A purchase order as Basware stores it: one matching order and its lines. */
export interface MatchingOrder {
  order: OrderEntity;
  lines: OrderLineEntity[];
}

/** ResponseEntityList: the body of 400/409/500 (§3.4). */
export const ResponseEntityList = z.looseObject({
  requestId: z.string().nullish(),
  errors: z
    .array(
      z.looseObject({
        externalCode: z.string().nullish(),
        type: z.string().nullish(),
        code: z.string().nullish(),
        message: z.string().nullish(),
      }),
    )
    .nullish(),
});

export const REQUEST_STATUS = {
  IN_PROGRESS: 'InProgress',
  SUCCESS: 'Success',
  ERROR: 'Error',
  ACK_SUCCESS: 'AcknowledgedSuccess',
  ACK_ERROR: 'AcknowledgedError',
} as const;

export const ITEM_STATUS = {
  IN_PROGRESS: 'InProgress',
  NOT_PROCESSED: 'NotProcessed',
  WARNING: 'Warning',
  SUCCESS: 'Success',
  ERROR: 'Error',
  RECORD_EXPIRED: 'RecordExpired',
  UNPUBLISHED: 'Unpublished',
} as const;

const ProcessedItem = z.looseObject({
  externalCode: z.string().nullish(),
  status: z.string().nullish(),
  errors: z
    .array(z.looseObject({ type: z.string().nullish(), message: z.string().nullish(), category: z.string().nullish() }))
    .nullish(),
});
export type ProcessedItem = z.infer<typeof ProcessedItem>;

/** RequestStatusResponse (§4.4). */
export const RequestStatusResponse = z.looseObject({
  requestStatus: z.array(
    z.looseObject({
      requestId: z.string().nullish(),
      requestStatus: z.string().nullish(),
      systems: z
        .array(
          z.looseObject({
            system: z.string().nullish(),
            systemStatus: z.string().nullish(),
            items: z.array(ProcessedItem).nullish(),
          }),
        )
        .nullish(),
    }),
  ),
});
