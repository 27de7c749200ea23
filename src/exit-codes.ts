/** Exit codes of the outside contract (contract.md). Cron jobs and CI scripts branch on these. */
export const EXIT = {
  OK: 0,
  PARTIAL: 1,
  CONFIG: 2,
  CONNECTION: 3,
  LOCKED: 4,
  INTERNAL: 70,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
