/**
 * Callbacks to an integrator's URL when a drama or video task finishes, one stream per drama or task
 * (`webhook-<id>`). A stream can hold several deliveries (a regenerated drama completes again); each is
 * keyed by its delivery id, which is the id of the event that caused it and is sent as
 * X-3kstory-Delivery so receivers can drop duplicates. Every event carries the project id so the
 * project's history can list it.
 */
export type WebhookEventName =
  | 'drama.completed'
  | 'drama.failed'
  | 'drama.cancelled'
  | 'task.completed'
  | 'task.failed'
  | 'task.cancelled';

export type WebhookScheduled = {
  type: 'WebhookScheduled';
  data: {
    deliveryId: string;
    projectId: string;
    ownerId: string;
    /** The drama or video task the callback is about. */
    subjectId: string;
    event: WebhookEventName;
    url: string;
    /** The exact JSON body, as a string: every attempt sends (and signs) the same bytes. */
    body: string;
    scheduledAt: string;
  };
};
export type WebhookAttemptStarted = {
  type: 'WebhookAttemptStarted';
  data: {
    deliveryId: string;
    projectId: string;
    attempt: number;
    worker: string;
    startedAt: string;
    /** Until then no other process sends this delivery; after it, the attempt counts as lost. */
    leaseUntil: string;
  };
};
export type WebhookAttemptFailed = {
  type: 'WebhookAttemptFailed';
  data: {
    deliveryId: string;
    projectId: string;
    attempt: number;
    /** HTTP status of the answer, or null when there was none (timeout, refused, DNS). */
    status: number | null;
    error: string;
    /** The first bytes of the receiver's answer, for diagnosis; never the whole body. */
    responseSnippet: string;
    failedAt: string;
    nextAttemptAt: string;
  };
};
export type WebhookDelivered = {
  type: 'WebhookDelivered';
  data: {
    deliveryId: string;
    projectId: string;
    attempt: number;
    status: number;
    responseSnippet: string;
    durationMs: number;
    deliveredAt: string;
  };
};
export type WebhookAbandoned = {
  type: 'WebhookAbandoned';
  data: {
    deliveryId: string;
    projectId: string;
    attempts: number;
    reason: string;
    abandonedAt: string;
  };
};

export type WebhookEvent =
  WebhookScheduled | WebhookAttemptStarted | WebhookAttemptFailed | WebhookDelivered | WebhookAbandoned;

export const WEBHOOK_EVENT_TYPES: readonly WebhookEvent['type'][] = [
  'WebhookScheduled',
  'WebhookAttemptStarted',
  'WebhookAttemptFailed',
  'WebhookDelivered',
  'WebhookAbandoned',
];
