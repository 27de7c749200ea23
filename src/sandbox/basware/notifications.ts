/**
 * Push-notification tasks and their delivery (apis/basware.md §5, §6): one task per matching subscription
 * when a document enters a status, delivered as signed compact JSON and retried on the configured
 * schedule with the same body bytes and taskId, a fresh timestamp and signature per attempt. A task is
 * New until an attempt gets a 2xx (Completed) or the schedule or the expiration runs out (Failed).
 */
import { randomUUID } from 'node:crypto';
import type { BaswareSimConfig } from './config.js';
import type { SimClock } from '../kit/server.js';
import { signNotification } from './notification-signing.js';
import { postNotification } from './webhook-post.js';
import type { WebhookPostResult } from './webhook-post.js';

/** A notification expires 24 h after its task was created (§6). */
const EXPIRATION_MS = 24 * 60 * 60 * 1000;

export type TaskStatus = 'New' | 'Completed' | 'Failed';

export interface TaskHistoryEntry {
  action: string;
  timeStamp: string;
  messages: string[];
}

/** The Task schema of S3, as `GET /v1/tasks` returns it. */
export interface NotificationTask {
  taskId: string;
  taskStatus: TaskStatus;
  taskType: string;
  taskSubType: string;
  documentId: string;
  expirationTime: string;
  lastUpdated: string;
  taskHistory: TaskHistoryEntry[];
}

/** Where a task goes; the secret is read at each attempt so a rotation applies to pending retries. */
export interface DeliveryTarget {
  notificationWebhookURL: string;
  webhookAuthenticationToken: string;
}

/** One delivery attempt, for tests (ConnectionTests included). */
export interface DeliveryAttempt {
  taskId: string;
  taskType: string;
  documentId: string;
  url: string;
  attempt: number;
  /** HTTP status of the answer, 0 when none came. */
  status: number;
  error?: string;
  timestampSeconds: number;
  signature: string;
  /** Exact body bytes sent, as UTF-8 text. */
  body: string;
}

/** Epoch seconds without milliseconds, as the §5 example writes date-times. */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Compact JSON with the keys in the order of §5; `expirationTime` is left out when undefined (ConnectionTest). */
export function notificationBody(fields: {
  taskId: string;
  taskType: string;
  taskSubType: string;
  documentId: string;
  expirationTime?: string;
}): Buffer {
  const ordered = {
    taskId: fields.taskId,
    taskStatus: 'New',
    taskType: fields.taskType,
    taskSubType: fields.taskSubType,
    documentId: fields.documentId,
    expirationTime: fields.expirationTime,
  };
  return Buffer.from(JSON.stringify(ordered), 'utf8');
}

function is2xx(status: number): boolean {
  return status >= 200 && status < 300;
}

export class NotificationDispatcher {
  readonly tasks = new Map<string, NotificationTask>();
  private readonly log: DeliveryAttempt[] = [];
  private readonly running = new Set<Promise<void>>();
  private abort = new AbortController();

  constructor(
    private readonly clock: SimClock,
    private readonly config: BaswareSimConfig,
  ) {}

  deliveries(): DeliveryAttempt[] {
    return this.log.map((d) => ({ ...d }));
  }

  /** Resolve once no task is pending any more (each ended Completed or Failed). */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /** Create and start one task per target; returns the new tasks. */
  createTasks(taskType: string, taskSubType: string, documentId: string, targets: DeliveryTarget[]): NotificationTask[] {
    return targets.map((target) => {
      const nowMs = this.clock.nowMs();
      const now = new Date(nowMs).toISOString();
      const task: NotificationTask = {
        taskId: randomUUID(),
        taskStatus: 'New',
        taskType,
        taskSubType,
        documentId,
        expirationTime: isoSeconds(nowMs + EXPIRATION_MS),
        lastUpdated: now,
        taskHistory: [{ action: 'New', timeStamp: now, messages: ['Task Created'] }],
      };
      this.tasks.set(task.taskId, task);
      this.track(this.deliver(task, target));
      return task;
    });
  }

  /** One signed ConnectionTest attempt (§4.6): not kept as a task, never retried. */
  async connectionTest(taskSubType: string, target: DeliveryTarget): Promise<WebhookPostResult> {
    const taskId = randomUUID();
    const body = notificationBody({ taskId, taskType: 'ConnectionTest', taskSubType, documentId: 'ConnectionTest' });
    return this.attempt({ taskId, taskType: 'ConnectionTest', documentId: 'ConnectionTest' }, body, target, 1);
  }

  /** Cancel every pending retry and in-flight request (reset, close). */
  stop(): void {
    this.abort.abort();
    this.abort = new AbortController();
  }

  clear(): void {
    this.stop();
    this.tasks.clear();
    this.log.length = 0;
  }

  private track(work: Promise<void>): void {
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
  }

  private async deliver(task: NotificationTask, target: DeliveryTarget): Promise<void> {
    // The same bytes for every attempt (§6); only timestamp and signature change.
    const body = notificationBody(task);
    const signal = this.abort.signal;
    const delays = this.config.webhookRetryDelaysMs;
    const maxAttempts = delays.length + 1;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) {
        const waited = await sleep(delays[attempt - 2] ?? 0, signal);
        if (!waited) return;
        // Never deliver after expirationTime (§6).
        if (this.clock.nowMs() > Date.parse(task.expirationTime)) {
          this.finish(task, 'Failed', [`Expired at ${task.expirationTime} after ${attempt - 1} attempt(s)`]);
          return;
        }
      }
      const result = await this.attempt(task, body, target, attempt, signal);
      if (signal.aborted) return;
      if (is2xx(result.status)) {
        this.finish(task, 'Completed', [`Delivered on attempt ${attempt} (HTTP ${result.status})`]);
        return;
      }
      this.history(task, 'DeliveryFailed', [`Attempt ${attempt}: ${result.error ?? `HTTP ${result.status}`}`]);
    }
    this.finish(task, 'Failed', [`Not delivered after ${maxAttempts} attempts`]);
  }

  private async attempt(
    task: { taskId: string; taskType: string; documentId: string },
    body: Buffer,
    target: DeliveryTarget,
    attempt: number,
    signal?: AbortSignal,
  ): Promise<WebhookPostResult> {
    const timestampSeconds = Math.floor(this.clock.nowMs() / 1000);
    const secret = target.webhookAuthenticationToken;
    const result = await postNotification({
      url: target.notificationWebhookURL,
      body,
      secret,
      timestampSeconds,
      attempt,
      timeoutMs: this.config.webhookTimeoutMs,
      signal,
    });
    // A reset or close cancelled this attempt: it belongs to no log any more.
    if (signal?.aborted) return result;
    this.log.push({
      taskId: task.taskId,
      taskType: task.taskType,
      documentId: task.documentId,
      url: target.notificationWebhookURL,
      attempt,
      status: result.status,
      ...(result.error !== undefined ? { error: result.error } : {}),
      timestampSeconds,
      signature: signNotification(body, secret, timestampSeconds),
      body: body.toString('utf8'),
    });
    return result;
  }

  private history(task: NotificationTask, action: string, messages: string[]): void {
    const now = this.clock.now().toISOString();
    task.lastUpdated = now;
    task.taskHistory.push({ action, timeStamp: now, messages });
  }

  private finish(task: NotificationTask, status: TaskStatus, messages: string[]): void {
    task.taskStatus = status;
    this.history(task, status, messages);
  }
}

/** Wait `ms`; false when aborted first. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
