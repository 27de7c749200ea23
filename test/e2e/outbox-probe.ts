/**
 * What the outbox fault suite needs to know about a pair: how to start its sandbox with approved
 * invoices, and how to look into the ERP and AP simulators. The suite (outbox-suite.ts) is written once;
 * each pair supplies a probe.
 */
import type { E2E } from './harness.js';

export interface OutboxProbe {
  pair: string;
  /** Sandbox with approved invoices waiting, master data already mirrored. */
  start(): Promise<E2E>;
  /** Documents expected to post, and those that must be held until their master data exists. */
  ordinary(t: E2E): string[];
  alreadyPosted(t: E2E): string[];
  heldForAccount(t: E2E): string[];
  /** Make the missing account exist in the ERP so the next run mirrors it. */
  addMissingAccount(t: E2E): void;
  /** Invoices the ERP holds for the document's natural key: posted ones and all (half-built included). */
  erpInvoices(t: E2E, documentId: string): Promise<{ posted: number; all: number }>;
  /** Successful acknowledgements the AP platform received for the document. */
  acknowledgements(t: E2E, documentId: string): number;
  transferResponses(t: E2E, documentId: string): Array<{ success: boolean }>;
  paymentResponses(t: E2E, documentId: string): Array<{ paidTotal?: number }>;
  documentStatus(t: E2E, documentId: string): string;
  /** ERP write calls (adds) made so far. */
  erpWrites(t: E2E): number;
  /** From now on the ERP commits its next invoice write and then answers 5xx; `off` restores it. */
  dropResponsesAfterWrite(t: E2E, on: boolean): void;
  /** Make the ERP refuse the document's invoice for a business reason; `false` fixes it. */
  refuseInErp(t: E2E, documentId: string, refuse: boolean): void;
  /** Pay the document's invoice in full in the ERP. */
  payInErp(t: E2E, documentId: string): void;
}
