/** Counters the tests read through `InforSimulator.stats()`; cleared by reset. */

export interface InforSimStats {
  /** Requests that reached the token endpoint (any outcome). */
  tokenRequests: number;
  /** Access tokens issued, per client id (`ci`), password and refresh grants together. */
  tokensIssued: Record<string, number>;
  /** Tokens revoked through the revoke endpoint. */
  tokensRevoked: number;
  /** Gateway calls refused with 401. */
  unauthorized: number;
  /** Gateway calls that reached a transaction (success or business error). */
  gatewayCalls: number;
  /** Calls that reached each transaction, keyed `PROGRAM/Transaction`. */
  callsByTransaction: Record<string, number>;
  /** Calls answered with HTTP 200 + errorMessage. */
  businessErrors: number;
  /** 429s from the quotas of §8 (token and gateway). */
  quotaRejections: number;
  /** Injected faults, by switch. */
  faults: { fail5xx: number; rateLimited: number; connectionResets: number; failedAfterCommit: number };
  /** What the simulated M3 holds now (all companies). */
  records: RecordCounts;
}

export interface RecordCounts {
  suppliers: number;
  purchaseOrders: number;
  poLines: number;
  /** Accounting identities of dimension 1. */
  accounts: number;
  /** Accounting identities of dimension 2 (the default cost-centre dimension). */
  costCenters: number;
  invoiceBatches: number;
  ledgerInvoices: number;
}

/** The counters the handlers bump; `records` is read from the store when stats are asked for. */
export type SimCounters = Omit<InforSimStats, 'records'>;

export function emptyStats(): SimCounters {
  return {
    tokenRequests: 0,
    tokensIssued: {},
    tokensRevoked: 0,
    unauthorized: 0,
    gatewayCalls: 0,
    callsByTransaction: {},
    businessErrors: 0,
    quotaRejections: 0,
    faults: { fail5xx: 0, rateLimited: 0, connectionResets: 0, failedAfterCommit: 0 },
  };
}
