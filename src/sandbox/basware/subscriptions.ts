/**
 * Push-notification subscriptions and task history (apis/basware.md §4.6, S3). Subscribing first sends
 * a signed ConnectionTest to the URL; anything but 200 fails the whole request and stores nothing. The
 * simulator keys subscriptions by (taskType, taskSubType, URL), so a re-post rotates the secret (MODELED).
 * Error bodies are the push API's own (§3.4), not the P2P ResponseEntityList.
 */
import type { SimRequest, SimResponse, SimServer } from '../kit/server.js';
import { parseJson } from '../kit/server.js';
import { apiRoute } from './api-route.js';
import type { NotificationTask } from './notifications.js';
import { REQUEST_ID_HEADER } from './responses.js';
import type { SimState } from './state.js';

const TASK_TYPES = [
  'AccountingDocuments',
  'ExportedPurchaseRequisitions',
  'ExportedPurchaseOrders',
  'RequestStatus',
  'ExportedContracts',
  'ExportedContractSpends',
];
const TASK_SUB_TYPES = [
  'WaitingForPrebook',
  'WaitingForTransfer',
  'WaitingForPrebookCancelation',
  'WaitingToBeRemoved',
  'WaitingToBeReturned',
  'WaitingToBeCompleted',
  'WaitingForExport',
  'Error',
  'Success',
  'All',
];
const ALL = 'All';
const WEBHOOK = 'Webhook';
/** Reserved for later use by Basware (S3); the simulator refuses it. */
const POLLING = 'Polling';
const MAX_URL_LENGTH = 2083;
const INPUT_FIELDS = new Set(['taskType', 'taskSubType', 'subscriptionType', 'notificationWebhookURL', 'webhookAuthenticationToken', 'lastUpdated', 'autoResponder']);
const TASK_STATUSES = ['New', 'Completed', 'Failed'];

export interface Subscription {
  taskType: string;
  taskSubType: string;
  subscriptionType: string;
  notificationWebhookURL: string;
  webhookAuthenticationToken: string;
  lastUpdated: string;
  autoResponder: null;
}

export function subscriptionKey(s: { taskType: string; taskSubType: string; notificationWebhookURL: string }): string {
  return JSON.stringify([s.taskType, s.taskSubType, s.notificationWebhookURL]);
}

// ---- push-API bodies (§3.4, S3) ----

function pushValidationError(requestId: string, code: string, messages: string[]): SimResponse {
  return {
    status: 400,
    headers: { [REQUEST_ID_HEADER]: requestId },
    body: { requestId, hasError: true, errorMessages: messages.map((message) => ({ type: 'VALIDATION', code, message })) },
  };
}

function pushNotFound(requestId: string): SimResponse {
  return { status: 404, headers: { [REQUEST_ID_HEADER]: requestId }, body: { detail: 'Not Found' } };
}

function unprocessable(requestId: string): SimResponse {
  return { status: 422, headers: { [REQUEST_ID_HEADER]: requestId }, body: { message: 'UnprocessableEntity' } };
}

function okBody(requestId: string, body: unknown): SimResponse {
  return { status: 200, headers: { [REQUEST_ID_HEADER]: requestId }, body };
}

// ---- validation ----

type Parsed = { subscription: Omit<Subscription, 'lastUpdated' | 'autoResponder'> } | { problems: string[] };

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

function parseSubscription(raw: unknown, index: number): Parsed {
  const at = `[${index}]`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { problems: [`${at} must be an object`] };
  const r = raw as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(r)) if (!INPUT_FIELDS.has(key)) problems.push(`${at} ${key} is not a known field`);
  const { taskType, subscriptionType, notificationWebhookURL: url, webhookAuthenticationToken: secret } = r;
  if (taskType === undefined || taskType === null || taskType === '') problems.push(`${at} taskType field required`);
  else if (typeof taskType !== 'string' || !TASK_TYPES.includes(taskType)) problems.push(`${at} taskType must be one of ${TASK_TYPES.join(', ')}`);
  // A null or missing subtype means Error for RequestStatus and All otherwise (S3).
  const taskSubType = r.taskSubType ?? (taskType === 'RequestStatus' ? 'Error' : ALL);
  if (typeof taskSubType !== 'string' || !TASK_SUB_TYPES.includes(taskSubType)) problems.push(`${at} taskSubType must be one of ${TASK_SUB_TYPES.join(', ')}`);
  if (subscriptionType === undefined || subscriptionType === null) problems.push(`${at} subscriptionType field required`);
  else if (subscriptionType === POLLING) problems.push(`${at} subscriptionType 'Polling' is reserved for later use; use 'Webhook'`);
  else if (subscriptionType !== WEBHOOK) problems.push(`${at} subscriptionType must be 'Webhook'`);
  if (url === undefined || url === null || url === '') problems.push(`${at} notificationWebhookURL field required`);
  else if (typeof url !== 'string' || url.length > MAX_URL_LENGTH || !isHttpUrl(url)) {
    problems.push(`${at} notificationWebhookURL must be an http(s) URL of at most ${MAX_URL_LENGTH} characters`);
  }
  if (secret === undefined || secret === null || secret === '') problems.push(`${at} webhookAuthenticationToken field required`);
  else if (typeof secret !== 'string') problems.push(`${at} webhookAuthenticationToken must be a string`);
  if (problems.length > 0) return { problems };
  return {
    subscription: {
      taskType: taskType as string,
      taskSubType: taskSubType as string,
      subscriptionType: WEBHOOK,
      notificationWebhookURL: url as string,
      webhookAuthenticationToken: secret as string,
    },
  };
}

/** Epoch ms of a date-time query value; undefined when absent, NaN when unparseable. */
function dateParam(req: SimRequest, name: string): number | undefined {
  const value = req.query.get(name);
  if (value === null || value === '') return undefined;
  return Date.parse(value);
}

// ---- handlers ----

async function subscribe(state: SimState, req: SimRequest, requestId: string): Promise<SimResponse> {
  const body = parseJson(req.body);
  if (!Array.isArray(body)) return unprocessable(requestId);
  if (body.length === 0) return pushValidationError(requestId, 'SCHEMA_VALIDATION_ERROR', ['the body must hold at least one subscription']);
  const parsed = body.map((raw, i) => parseSubscription(raw, i));
  const problems = parsed.flatMap((p) => ('problems' in p ? p.problems : []));
  if (problems.length > 0) return pushValidationError(requestId, 'SCHEMA_VALIDATION_ERROR', problems);
  const candidates = parsed.map((p) => (p as { subscription: Omit<Subscription, 'lastUpdated' | 'autoResponder'> }).subscription);

  // Every URL must answer its ConnectionTest with 200 before anything is stored (§4.6, §9 item 39).
  for (const candidate of candidates) {
    const result = await state.notifications.connectionTest(candidate.taskSubType, candidate);
    if (result.status !== 200) {
      const why = result.status === 0 ? `did not answer (${result.error ?? 'no response'})` : `answered ${result.status}`;
      return pushValidationError(requestId, 'CONNECTION_TEST_FAILED', [`Webhook ${why}`]);
    }
  }
  const now = state.nowIso();
  const stored = candidates.map((candidate) => {
    const key = subscriptionKey(candidate);
    const existing = state.subscriptions.get(key);
    if (existing) {
      // Mutated in place so retries of pending tasks sign with the rotated secret.
      existing.webhookAuthenticationToken = candidate.webhookAuthenticationToken;
      existing.lastUpdated = now;
      return existing;
    }
    const subscription: Subscription = { ...candidate, lastUpdated: now, autoResponder: null };
    state.subscriptions.set(key, subscription);
    return subscription;
  });
  return okBody(requestId, stored.map((s) => ({ ...s })));
}

function listSubscriptions(state: SimState, req: SimRequest, requestId: string): SimResponse {
  const taskType = req.query.get('taskType');
  const taskSubType = req.query.get('taskSubType');
  const after = dateParam(req, 'lastUpdated');
  if (after !== undefined && Number.isNaN(after)) return unprocessable(requestId);
  const matches = [...state.subscriptions.values()].filter(
    (s) =>
      (!taskType || s.taskType === taskType) &&
      (!taskSubType || s.taskSubType === taskSubType) &&
      (after === undefined || Date.parse(s.lastUpdated) > after),
  );
  if (matches.length === 0) return pushNotFound(requestId);
  return okBody(requestId, { subscriptions: matches.map((s) => ({ ...s })) });
}

function deleteSubscriptions(state: SimState, req: SimRequest, requestId: string): SimResponse {
  const taskType = req.query.get('taskType');
  const taskSubType = req.query.get('taskSubType');
  const after = dateParam(req, 'lastUpdated');
  // All three parameters are required (S3); a missing or unparseable one is a 422 like any FastAPI parameter error.
  if (!taskType || !taskSubType || after === undefined || Number.isNaN(after)) return unprocessable(requestId);
  let deleted = 0;
  for (const [key, s] of state.subscriptions) {
    const typeMatches = taskType === ALL || s.taskType === taskType;
    const subTypeMatches = taskSubType === ALL || s.taskSubType === taskSubType;
    if (typeMatches && subTypeMatches && Date.parse(s.lastUpdated) > after) {
      state.subscriptions.delete(key);
      deleted += 1;
    }
  }
  return okBody(requestId, { status: 'Deleted successfully', numberOfRecordsDeleted: deleted });
}

function taskView(task: NotificationTask): NotificationTask {
  return { ...task, taskHistory: task.taskHistory.map((h) => ({ ...h, messages: [...h.messages] })) };
}

function listTasks(state: SimState, req: SimRequest, requestId: string): SimResponse {
  const taskType = req.query.get('taskType');
  const taskStatus = req.query.get('taskStatus');
  const documentId = req.query.get('documentId');
  const after = dateParam(req, 'lastUpdated');
  if ((after !== undefined && Number.isNaN(after)) || (taskStatus && !TASK_STATUSES.includes(taskStatus))) return unprocessable(requestId);
  const matches = [...state.notifications.tasks.values()].filter(
    (t) =>
      (!taskType || t.taskType === taskType) &&
      (!taskStatus || t.taskStatus === taskStatus) &&
      (!documentId || t.documentId === documentId) &&
      (after === undefined || Date.parse(t.lastUpdated) > after),
  );
  if (matches.length === 0) return pushNotFound(requestId);
  return okBody(requestId, { taskStatus: matches.map(taskView) });
}

function getTask(state: SimState, req: SimRequest, requestId: string): SimResponse {
  const task = state.notifications.tasks.get(req.params.taskId ?? '');
  if (!task) return pushNotFound(requestId);
  return okBody(requestId, { taskStatus: [taskView(task)] });
}

/** Subscriptions matching a document that entered `taskSubType` (§6: that subtype or All). */
export function matchingSubscriptions(state: SimState, taskType: string, taskSubType: string): Subscription[] {
  return [...state.subscriptions.values()].filter((s) => s.taskType === taskType && (s.taskSubType === taskSubType || s.taskSubType === ALL));
}

export function registerSubscriptionRoutes(server: SimServer, state: SimState): void {
  server.route('POST', '/v1/subscriptions', apiRoute(state, 'subscriptions.write', (req, ctx) => subscribe(state, req, ctx.requestId)));
  server.route('GET', '/v1/subscriptions', apiRoute(state, 'subscriptions.read', (req, ctx) => listSubscriptions(state, req, ctx.requestId)));
  server.route('DELETE', '/v1/subscriptions', apiRoute(state, 'subscriptions.delete', (req, ctx) => deleteSubscriptions(state, req, ctx.requestId)));
  // The scope list of §2 names no tasks scope; reading task history is modeled as subscriptions.read.
  server.route('GET', '/v1/tasks', apiRoute(state, 'subscriptions.read', (req, ctx) => listTasks(state, req, ctx.requestId)));
  server.route('GET', '/v1/tasks/:taskId', apiRoute(state, 'subscriptions.read', (req, ctx) => getTask(state, req, ctx.requestId)));
}
