/**
 * Kill points for the fault tests. With MLSYNC_KILL_AT=<step> in the environment, the process kills itself
 * with SIGKILL (no cleanup, no flush: what a power cut or an OOM kill does) when the posting outbox reaches
 * that step. The tests run the CLI again afterwards and check that the result is the one of a clean run:
 * no duplicate in the ERP, nothing lost. Unset, it costs one environment lookup per step.
 */
export const KILL_POINTS = {
  /** `posting` is committed; nothing has been sent to the ERP yet. */
  AFTER_POSTING_COMMIT: 'after-posting-commit',
  /** The ERP has the invoice; the ledger does not know yet. */
  AFTER_ERP_WRITE: 'after-erp-write',
  /** `posted` is committed; the AP platform has not been told. */
  AFTER_POSTED_COMMIT: 'after-posted-commit',
  /** The document is acknowledged; no transfer response yet. */
  AFTER_ACKNOWLEDGE: 'after-acknowledge',
  /** A payment response is intended (committed); not sent yet. */
  AFTER_PAYMENT_INTENT: 'after-payment-intent',
} as const;
export type KillPoint = (typeof KILL_POINTS)[keyof typeof KILL_POINTS];

export const KILL_ENV = 'MLSYNC_KILL_AT';

export function killPoint(step: KillPoint): void {
  if (process.env[KILL_ENV] === step) process.kill(process.pid, 'SIGKILL');
}
