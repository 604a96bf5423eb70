import { assertNever, type Decider } from '../shared/decider.js';
import type { WebhookEvent, WebhookScheduled } from './webhook.events.js';

export type WebhookCommand =
  | { type: 'ScheduleWebhook'; data: WebhookScheduled['data'] }
  | {
      type: 'StartWebhookAttempt';
      data: { deliveryId: string; worker: string; now: string; leaseUntil: string };
    }
  | {
      type: 'RecordWebhookFailure';
      data: {
        deliveryId: string;
        attempt: number;
        status: number | null;
        error: string;
        responseSnippet: string;
        now: string;
        nextAttemptAt: string;
      };
    }
  | {
      type: 'RecordWebhookDelivery';
      data: {
        deliveryId: string;
        attempt: number;
        status: number;
        responseSnippet: string;
        durationMs: number;
        now: string;
      };
    }
  | { type: 'AbandonWebhook'; data: { deliveryId: string; reason: string; now: string } };

export interface Delivery {
  deliveryId: string;
  projectId: string;
  ownerId: string;
  subjectId: string;
  event: WebhookScheduled['data']['event'];
  url: string;
  body: string;
  scheduledAt: string;
  status: 'pending' | 'delivered' | 'abandoned';
  /** Attempts started so far (a lost attempt, whose process died, counts too). */
  attempts: number;
  /** The attempt in flight and when its lease runs out. */
  lease: { attempt: number; until: string } | null;
  /** When the next attempt may start. */
  nextAttemptAt: string;
  lastError: string | null;
}

export interface WebhookState {
  deliveries: Record<string, Delivery>;
}

/** When a pending delivery needs looking at next: its lease's end while one runs, else its next attempt. */
export const nextCheckAt = (delivery: Delivery): string | null => {
  if (delivery.status !== 'pending') return null;
  return delivery.lease ? delivery.lease.until : delivery.nextAttemptAt;
};

const pending = (state: WebhookState, deliveryId: string): Delivery | null => {
  const delivery = state.deliveries[deliveryId];
  return delivery?.status === 'pending' ? delivery : null;
};

function decide(command: WebhookCommand, state: WebhookState): WebhookEvent[] {
  switch (command.type) {
    case 'ScheduleWebhook':
      return state.deliveries[command.data.deliveryId]
        ? []
        : [{ type: 'WebhookScheduled', data: command.data }];
    case 'StartWebhookAttempt': {
      const { deliveryId, worker, now, leaseUntil } = command.data;
      const delivery = pending(state, deliveryId);
      if (!delivery || delivery.nextAttemptAt > now) return [];
      if (delivery.lease && delivery.lease.until > now) return [];
      return [
        {
          type: 'WebhookAttemptStarted',
          data: {
            deliveryId,
            projectId: delivery.projectId,
            attempt: delivery.attempts + 1,
            worker,
            startedAt: now,
            leaseUntil,
          },
        },
      ];
    }
    case 'RecordWebhookFailure': {
      const { now, ...rest } = command.data;
      const delivery = pending(state, rest.deliveryId);
      if (!delivery || delivery.lease?.attempt !== rest.attempt) return [];
      return [
        { type: 'WebhookAttemptFailed', data: { ...rest, projectId: delivery.projectId, failedAt: now } },
      ];
    }
    case 'RecordWebhookDelivery': {
      const { now, ...rest } = command.data;
      const delivery = pending(state, rest.deliveryId);
      if (!delivery) return [];
      return [
        { type: 'WebhookDelivered', data: { ...rest, projectId: delivery.projectId, deliveredAt: now } },
      ];
    }
    case 'AbandonWebhook': {
      const { deliveryId, reason, now } = command.data;
      const delivery = pending(state, deliveryId);
      if (!delivery) return [];
      return [
        {
          type: 'WebhookAbandoned',
          data: {
            deliveryId,
            projectId: delivery.projectId,
            attempts: delivery.attempts,
            reason,
            abandonedAt: now,
          },
        },
      ];
    }
    default:
      return assertNever(command);
  }
}

const update = (state: WebhookState, deliveryId: string, change: (d: Delivery) => Delivery): WebhookState => {
  const delivery = state.deliveries[deliveryId];
  return delivery ? { deliveries: { ...state.deliveries, [deliveryId]: change(delivery) } } : state;
};

export function evolveWebhook(state: WebhookState, event: WebhookEvent): WebhookState {
  switch (event.type) {
    case 'WebhookScheduled': {
      const d = event.data;
      if (state.deliveries[d.deliveryId]) return state;
      return {
        deliveries: {
          ...state.deliveries,
          [d.deliveryId]: {
            ...d,
            status: 'pending',
            attempts: 0,
            lease: null,
            nextAttemptAt: d.scheduledAt,
            lastError: null,
          },
        },
      };
    }
    case 'WebhookAttemptStarted':
      return update(state, event.data.deliveryId, (d) => ({
        ...d,
        attempts: Math.max(d.attempts, event.data.attempt),
        lease: { attempt: event.data.attempt, until: event.data.leaseUntil },
      }));
    case 'WebhookAttemptFailed':
      return update(state, event.data.deliveryId, (d) => ({
        ...d,
        lease: null,
        nextAttemptAt: event.data.nextAttemptAt,
        lastError: event.data.error,
      }));
    case 'WebhookDelivered':
      return update(state, event.data.deliveryId, (d) => ({ ...d, status: 'delivered', lease: null }));
    case 'WebhookAbandoned':
      return update(state, event.data.deliveryId, (d) => ({ ...d, status: 'abandoned', lease: null }));
    default:
      return assertNever(event);
  }
}

export const webhookDecider: Decider<WebhookState, WebhookCommand, WebhookEvent> = {
  initialState: () => ({ deliveries: {} }),
  decide,
  evolve: evolveWebhook,
};
