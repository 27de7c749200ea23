/**
 * Everything one simulator instance holds, shared by its route modules: config, clock, data, tokens,
 * rate budgets, the phase-2 queue, continuation tokens, PATCH locks, pre-signed objects, and push
 * subscriptions with their notification tasks.
 */
import type { SimServer } from '../kit/server.js';
import { defaultConfig } from './config.js';
import type { BaswareSimConfig } from './config.js';
import { NotificationDispatcher } from './notifications.js';
import { ContinuationTokens } from './paging.js';
import { Phase2Queue } from './phase2-queue.js';
import { PresignedObjects } from './presigned-objects.js';
import { RollingWindowLimiter } from './rate-limiter.js';
import { clearStore, createStore } from './store.js';
import type { Subscription } from './subscriptions.js';
import type { BaswareSimStore } from './store.js';
import { REGION_ISSUERS, TokenAuthority } from './token-authority.js';
import type { BaswareSimRegion } from './token-authority.js';

export class SimState {
  readonly config: BaswareSimConfig = defaultConfig();
  readonly store: BaswareSimStore = createStore();
  readonly authority: TokenAuthority;
  readonly apiLimiter = new RollingWindowLimiter();
  readonly tokenLimiter = new RollingWindowLimiter();
  readonly continuation = new ContinuationTokens();
  readonly queue = new Phase2Queue(() => this.config.asyncDelayMs);
  readonly objects = new PresignedObjects();
  /** Order-line externalCode → until when (simulator ms) a PATCH holds it (§4.2). */
  readonly patchLocks = new Map<string, number>();
  /** Push-notification subscriptions by (taskType, taskSubType, URL) (§4.6). */
  readonly subscriptions = new Map<string, Subscription>();
  readonly notifications: NotificationDispatcher;
  /** Own origin, set once listening; redirect URLs default to it. */
  baseUrl = '';

  constructor(
    readonly server: SimServer,
    readonly region: BaswareSimRegion,
  ) {
    this.authority = new TokenAuthority(REGION_ISSUERS[region], server.clock);
    this.notifications = new NotificationDispatcher(server.clock, this.config);
  }

  nowMs(): number {
    return this.server.clock.nowMs();
  }

  nowIso(): string {
    return this.server.clock.now().toISOString();
  }

  /** §8 `/_sim/reset`: data, tokens, queue, paging and rate state, subscriptions and tasks, pending faults, clock offset. Config and clients stay. */
  reset(): void {
    clearStore(this.store);
    this.authority.clearTokens();
    this.apiLimiter.clear();
    this.tokenLimiter.clear();
    this.continuation.clear();
    this.queue.clear();
    this.objects.clear();
    this.patchLocks.clear();
    this.subscriptions.clear();
    this.notifications.clear();
    this.server.clock.offsetSeconds = 0;
    this.config.fail5xxNext = { count: 0 };
    this.config.fail500Next = { count: 0 };
    this.config.rateLimitNext = null;
    this.config.resetNext = { count: 0 };
    this.config.failAfterCommitNext = { count: 0 };
  }
}
