/**
 * The push-notification body (apis/basware.md §5), parsed once at the edge. It carries no document data,
 * only which document to fetch. What the receiver does with it depends on the task type.
 */
import { z } from 'zod';

const notificationSchema = z.object({
  taskId: z.string().min(1),
  taskStatus: z.string(),
  taskType: z.string().min(1),
  documentId: z.string().min(1),
  taskSubType: z.string().nullish(),
  expirationTime: z
    .string()
    .refine((v) => !Number.isNaN(Date.parse(v)), 'not a date-time')
    .nullish(),
});

export type Notification = z.infer<typeof notificationSchema>;

/** Where mlsync files an accounting-document task, whichever spelling Basware sent. */
export const ACCOUNTING_DOCUMENTS = 'AccountingDocuments';

export const TASK_KIND = {
  CONNECTION_TEST: 'connection-test',
  ACCOUNTING_DOCUMENT: 'accounting-document',
  /** A task type mlsync does not subscribe to: answered 200 so Basware stops retrying, not processed. */
  OTHER: 'other',
} as const;
export type TaskKind = (typeof TASK_KIND)[keyof typeof TASK_KIND];

// Compared case-insensitively; the spec's own example spells it `AccoutingDocuments` (apis/basware.md §5).
const ACCOUNTING_SPELLINGS = new Set(['accountingdocuments', 'accoutingdocuments']);
const CONNECTION_TEST = 'connectiontest';

/** undefined when the bytes are not JSON or a required field is missing or of the wrong type. */
export function parseNotification(rawBody: Buffer): Notification | undefined {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = notificationSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

export function taskKind(taskType: string): TaskKind {
  const t = taskType.toLowerCase();
  if (t === CONNECTION_TEST) return TASK_KIND.CONNECTION_TEST;
  if (ACCOUNTING_SPELLINGS.has(t)) return TASK_KIND.ACCOUNTING_DOCUMENT;
  return TASK_KIND.OTHER;
}

/** True when the notification carries an expirationTime earlier than now (apis/basware.md §6, step 4). */
export function isExpired(n: Notification, now: Date): boolean {
  return n.expirationTime != null && Date.parse(n.expirationTime) < now.getTime();
}
