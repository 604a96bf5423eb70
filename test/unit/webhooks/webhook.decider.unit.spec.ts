import { describe, expect, it } from '@jest/globals';
import { webhookDecider } from '../../../src/domain/webhook/webhook.decider.js';
import type { WebhookEvent, WebhookScheduled } from '../../../src/domain/webhook/webhook.events.js';
import { deciderSpec } from '../../support/decider-spec.js';

const spec = deciderSpec(webhookDecider);
const scheduled: WebhookScheduled['data'] = {
  deliveryId: 'dlv-1',
  projectId: 'p-1',
  ownerId: 'u-1',
  subjectId: 'd-1',
  event: 'drama.completed',
  url: 'https://example.com/hook',
  body: '{}',
  scheduledAt: '2026-01-01T00:00:00.000Z',
};
const started = (attempt: number, leaseUntil: string): WebhookEvent => ({
  type: 'WebhookAttemptStarted',
  data: {
    deliveryId: 'dlv-1',
    projectId: 'p-1',
    attempt,
    worker: 'a',
    startedAt: '2026-01-01T00:00:00.000Z',
    leaseUntil,
  },
});
const start = (now: string) => ({
  type: 'StartWebhookAttempt' as const,
  data: { deliveryId: 'dlv-1', worker: 'b', now, leaseUntil: '2026-01-01T01:00:00.000Z' },
});

describe('webhook decider', () => {
  it('schedules a delivery once, whoever asks again', () => {
    spec
      .given([])
      .when({ type: 'ScheduleWebhook', data: scheduled })
      .then([{ type: 'WebhookScheduled', data: scheduled }]);
    spec
      .given([{ type: 'WebhookScheduled', data: scheduled }])
      .when({ type: 'ScheduleWebhook', data: scheduled })
      .then([]);
  });

  it('lets one attempt run at a time: a second claim within the lease gets nothing', () => {
    spec
      .given([{ type: 'WebhookScheduled', data: scheduled }])
      .when(start('2026-01-01T00:00:01.000Z'))
      .then([
        {
          type: 'WebhookAttemptStarted',
          data: {
            deliveryId: 'dlv-1',
            projectId: 'p-1',
            attempt: 1,
            worker: 'b',
            startedAt: '2026-01-01T00:00:01.000Z',
            leaseUntil: '2026-01-01T01:00:00.000Z',
          },
        },
      ]);
    spec
      .given([{ type: 'WebhookScheduled', data: scheduled }, started(1, '2026-01-01T00:00:30.000Z')])
      .when(start('2026-01-01T00:00:10.000Z'))
      .then([]);
  });

  it('counts an attempt whose process died (lease run out) and starts the next one', () => {
    spec
      .given([{ type: 'WebhookScheduled', data: scheduled }, started(1, '2026-01-01T00:00:30.000Z')])
      .when(start('2026-01-01T00:00:31.000Z'))
      .then([
        expect.objectContaining({
          type: 'WebhookAttemptStarted',
          data: expect.objectContaining({ attempt: 2 }),
        }) as never,
      ]);
  });

  it('waits for the backoff after a failure, and does nothing once delivered or abandoned', () => {
    const failed: WebhookEvent = {
      type: 'WebhookAttemptFailed',
      data: {
        deliveryId: 'dlv-1',
        projectId: 'p-1',
        attempt: 1,
        status: 500,
        error: 'receiver answered HTTP 500',
        responseSnippet: '',
        failedAt: '2026-01-01T00:00:02.000Z',
        nextAttemptAt: '2026-01-01T00:01:00.000Z',
      },
    };
    const history = [
      { type: 'WebhookScheduled', data: scheduled } as WebhookEvent,
      started(1, '2026-01-01T00:00:30.000Z'),
      failed,
    ];
    spec.given(history).when(start('2026-01-01T00:00:59.000Z')).then([]);
    spec
      .given(history)
      .when(start('2026-01-01T00:01:00.000Z'))
      .then([expect.objectContaining({ data: expect.objectContaining({ attempt: 2 }) }) as never]);
    const delivered: WebhookEvent = {
      type: 'WebhookDelivered',
      data: {
        deliveryId: 'dlv-1',
        projectId: 'p-1',
        attempt: 2,
        status: 200,
        responseSnippet: 'ok',
        durationMs: 5,
        deliveredAt: '2026-01-01T00:01:01.000Z',
      },
    };
    spec
      .given([...history, started(2, '2026-01-01T00:02:00.000Z'), delivered])
      .when(start('2026-01-01T00:05:00.000Z'))
      .then([]);
    spec
      .given([...history, started(2, '2026-01-01T00:02:00.000Z'), delivered])
      .when({
        type: 'AbandonWebhook',
        data: { deliveryId: 'dlv-1', reason: 'x', now: '2026-01-02T00:00:00.000Z' },
      })
      .then([]);
  });

  it('records a failure only for the attempt that holds the lease', () => {
    spec
      .given([{ type: 'WebhookScheduled', data: scheduled }, started(2, '2026-01-01T00:00:30.000Z')])
      .when({
        type: 'RecordWebhookFailure',
        data: {
          deliveryId: 'dlv-1',
          attempt: 1,
          status: null,
          error: 'late',
          responseSnippet: '',
          now: 'x',
          nextAttemptAt: 'y',
        },
      })
      .then([]);
  });
});
