import type { Logger } from 'pino';
import { type BackoffPolicy, nextAttemptAt } from '../../domain/webhook/webhook.backoff.js';
import {
  type Delivery,
  nextCheckAt,
  type WebhookCommand,
  type WebhookState,
} from '../../domain/webhook/webhook.decider.js';
import { WEBHOOK_EVENT_TYPES, type WebhookEvent } from '../../domain/webhook/webhook.events.js';
import type { BlobStore } from '../ports/blob-store.port.js';
import type { CheckpointStore } from '../ports/checkpoint-store.port.js';
import type { EventStore, StoredEvent } from '../ports/event-store.port.js';
import type { Clock, IdGenerator } from '../ports/system.port.js';
import type { WebhookSecretStore, WebhookSender } from '../ports/webhook.port.js';
import { webhookStream } from '../../domain/webhook/webhook.streams.js';
import { handleCommand } from '../shared/command-handler.js';
import { memoryCheckpoint, storedCheckpoint } from '../consumers/checkpoints.js';
import type { ConsumerEngine } from '../consumers/consumer-engine.js';
import type { SupervisedConsumer } from '../consumers/supervised-consumer.js';
import { type RequestContext, requestContext } from '../shared/request-context.js';
import { planCallback, TERMINAL_EVENTS } from './webhook-payload.js';
import { SIGNATURE_HEADER, signWebhookBody } from './webhook-signature.js';

export interface WebhookDelivererOptions {
  backoff: BackoffPolicy;
  /** How long an attempt may hold a delivery before another process may send it again. */
  leaseMs: number;
  /** This process, as recorded on each attempt. */
  worker: string;
  random?: () => number;
}

export interface WebhookDelivererParts {
  store: EventStore;
  engine: ConsumerEngine;
  checkpoints: CheckpointStore;
  secrets: WebhookSecretStore;
  sender: WebhookSender;
  blobs: BlobStore;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  options: WebhookDelivererOptions;
}

/** Lowest global position that may still hold a pending delivery's WebhookScheduled. */
const FLOOR = 'webhook-pending-floor';
/** Longest wait a timer is armed for at once (setTimeout's limit is ~24.8 days). */
const MAX_TIMER_MS = 6 * 3600_000;

/**
 * Callbacks to integrators, durable and at least once:
 * - a durable consumer turns each DramaCompleted / DramaFailed / DramaCancelled of a request with a
 *   callback_url into WebhookScheduled on `webhook-<id>` (the delivery id is the terminal event's id, so
 *   a replay or a second API process schedules nothing twice);
 * - each process keeps a timer per pending delivery, rebuilt from the events at start and kept current
 *   by following the log, and an attempt first claims the delivery with WebhookAttemptStarted, appended at
 *   the stream's expected version: of several processes due at once only one wins, and the others wait
 *   for its outcome or its lease to run out (a process that dies mid-attempt is replaced after the lease,
 *   so a receiver may see a delivery id twice, never two at once);
 * - failures are retried with exponential backoff and jitter until the age limit, then abandoned.
 */
export class WebhookDeliverer {
  private readonly scheduler: SupervisedConsumer;
  private timersConsumer: SupervisedConsumer | null = null;
  private readonly timers = new Map<string, { streamId: string; timer: NodeJS.Timeout }>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly pending = new Map<string, { streamId: string; position: number }>();
  private stopped = false;

  constructor(private readonly parts: WebhookDelivererParts) {
    this.scheduler = parts.engine.register({
      name: 'webhook-scheduler',
      kind: 'webhooks',
      types: TERMINAL_EVENTS,
      batchSize: 100,
      checkpoint: storedCheckpoint(parts.checkpoints, 'webhook-scheduler', () => parts.store.headPosition()),
      handle: (events) => this.schedule(events),
    });
  }

  async start(): Promise<void> {
    const head = await this.parts.store.headPosition();
    await this.rebuild(head);
    this.timersConsumer = this.parts.engine.register({
      name: 'webhook-timers',
      kind: 'webhooks',
      types: WEBHOOK_EVENT_TYPES,
      checkpoint: memoryCheckpoint(head),
      handle: async (events) => this.follow(events),
    });
    await this.timersConsumer.start();
    await this.scheduler.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await this.scheduler.stop();
    await this.timersConsumer?.stop();
    await Promise.allSettled(this.running.values());
  }

  /** Deliveries waiting for their next attempt in this process (for tests and health). */
  pendingCount(): number {
    return this.timers.size;
  }

  private async schedule(events: StoredEvent[]): Promise<void> {
    for (const terminal of events) {
      const stream = await this.parts.store.readStream(terminal.streamId);
      const plan = await planCallback(stream, terminal, terminal.id, this.parts.blobs);
      if (!plan) continue;
      const { subjectId, ...rest } = plan;
      await this.run(
        webhookStream.streamId(subjectId),
        {
          type: 'ScheduleWebhook',
          data: { deliveryId: terminal.id, subjectId, ...rest, scheduledAt: this.now() },
        },
        { correlationId: terminal.metadata.correlationId, causationId: terminal.id, userId: null },
      );
    }
  }

  /**
   * Re-arms every delivery still pending, reading the log only from the floor: the position before the
   * oldest delivery that was pending when the floor was last saved.
   */
  private async rebuild(head: number): Promise<void> {
    let after = await this.parts.checkpoints.load(FLOOR);
    while (after < head) {
      // Without a type filter: a filtered read does not say how far it got.
      const page = await this.parts.store.readAll({ after, maxCount: 1000 });
      if (page.length === 0) break;
      for (const event of page) if (event.globalPosition <= head) this.track(event);
      after = page[page.length - 1]!.globalPosition;
    }
    const streams = new Set([...this.pending.values()].map((p) => p.streamId));
    for (const streamId of streams) {
      const state = await this.load(streamId);
      for (const delivery of Object.values(state.deliveries)) this.arm(streamId, delivery);
    }
    await this.saveFloor(head);
    if (this.pending.size > 0) {
      this.parts.logger.info({ deliveries: this.pending.size }, 'pending webhooks re-armed');
    }
  }

  /** Keeps the set of pending deliveries (and where each was scheduled) that the floor is made from. */
  private track(event: StoredEvent): void {
    if (!(WEBHOOK_EVENT_TYPES as readonly string[]).includes(event.type)) return;
    const { deliveryId } = event.data as { deliveryId: string };
    if (event.type === 'WebhookScheduled') {
      this.pending.set(deliveryId, { streamId: event.streamId, position: event.globalPosition });
    } else if (event.type === 'WebhookDelivered' || event.type === 'WebhookAbandoned') {
      this.pending.delete(deliveryId);
    }
  }

  private async saveFloor(upTo: number): Promise<void> {
    const floor = Math.min(upTo, ...[...this.pending.values()].map((p) => p.position - 1));
    await this.parts.checkpoints.save(FLOOR, floor);
  }

  private async follow(events: StoredEvent[]): Promise<void> {
    for (const stored of events) {
      this.track(stored);
      const event = webhookStream.decode(stored);
      const { deliveryId } = event.data;
      switch (event.type) {
        case 'WebhookScheduled':
          this.armAt(stored.streamId, deliveryId, event.data.scheduledAt);
          break;
        case 'WebhookAttemptStarted':
          this.armAt(stored.streamId, deliveryId, event.data.leaseUntil);
          break;
        case 'WebhookAttemptFailed':
          this.armAt(stored.streamId, deliveryId, event.data.nextAttemptAt);
          break;
        case 'WebhookDelivered':
        case 'WebhookAbandoned':
          this.disarm(deliveryId);
          break;
        default:
          break;
      }
    }
    if (events.some((e) => e.type === 'WebhookDelivered' || e.type === 'WebhookAbandoned')) {
      await this.saveFloor(events[events.length - 1]!.globalPosition);
    }
  }

  private arm(streamId: string, delivery: Delivery): void {
    const at = nextCheckAt(delivery);
    if (at === null) this.disarm(delivery.deliveryId);
    else this.armAt(streamId, delivery.deliveryId, at);
  }

  private armAt(streamId: string, deliveryId: string, at: string): void {
    if (this.stopped) return;
    this.disarm(deliveryId);
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, Date.parse(at) - this.parts.clock.now().getTime()));
    const timer = setTimeout(() => {
      this.timers.delete(deliveryId);
      this.attemptOnce(streamId, deliveryId);
    }, delay);
    timer.unref();
    this.timers.set(deliveryId, { streamId, timer });
  }

  private disarm(deliveryId: string): void {
    const entry = this.timers.get(deliveryId);
    if (entry) clearTimeout(entry.timer);
    this.timers.delete(deliveryId);
  }

  private attemptOnce(streamId: string, deliveryId: string): void {
    if (this.stopped || this.running.has(deliveryId)) return;
    const work = this.attempt(streamId, deliveryId)
      .catch((error: unknown) => {
        this.parts.logger.error({ err: error, streamId, deliveryId }, 'webhook attempt failed to run');
        if (!this.stopped) {
          this.armAt(streamId, deliveryId, new Date(this.parts.clock.now().getTime() + 5_000).toISOString());
        }
      })
      .finally(() => this.running.delete(deliveryId));
    this.running.set(deliveryId, work);
  }

  /** Runs the attempt under the correlation id of the request that caused the callback. */
  private async attempt(streamId: string, deliveryId: string): Promise<void> {
    const stored = await this.parts.store.readStream(streamId);
    const scheduled = stored.find(
      (e) => e.type === 'WebhookScheduled' && (e.data as { deliveryId: string }).deliveryId === deliveryId,
    );
    const context = {
      correlationId: scheduled?.metadata.correlationId ?? globalThis.crypto.randomUUID(),
      causationId: scheduled?.id ?? null,
      userId: null,
    };
    return requestContext.run(context, () => this.attemptInContext(streamId, deliveryId));
  }

  private async attemptInContext(streamId: string, deliveryId: string): Promise<void> {
    const { options } = this.parts;
    const delivery = (await this.load(streamId)).deliveries[deliveryId];
    if (!delivery || delivery.status !== 'pending') return this.disarm(deliveryId);
    const now = this.parts.clock.now();
    if (now.getTime() >= Date.parse(delivery.scheduledAt) + options.backoff.maxAgeMs) {
      const reason = `not delivered within ${Math.round(options.backoff.maxAgeMs / 1000)} s (${delivery.attempts} attempts)`;
      await this.abandon(
        streamId,
        delivery,
        delivery.lastError ? `${reason}; last error: ${delivery.lastError}` : reason,
      );
      return;
    }
    const claim = await this.run(streamId, {
      type: 'StartWebhookAttempt',
      data: {
        deliveryId,
        worker: options.worker,
        now: now.toISOString(),
        leaseUntil: new Date(now.getTime() + options.leaseMs).toISOString(),
      },
    });
    const started = claim.find((e) => e.type === 'WebhookAttemptStarted');
    if (!started) {
      // Not due yet, or another process holds it: look again when the stream says so.
      this.arm(streamId, (await this.load(streamId)).deliveries[deliveryId] ?? delivery);
      return;
    }
    const attempt = started.data.attempt;
    const secret = await this.parts.secrets.reveal(delivery.ownerId);
    const headers: Record<string, string> = {
      'User-Agent': '3kstory-webhooks/1',
      'X-3kstory-Event': delivery.event,
      'X-3kstory-Delivery': deliveryId,
      'X-3kstory-Timestamp': String(Math.floor(now.getTime() / 1000)),
      'X-3kstory-Attempt': String(attempt),
      ...(secret
        ? { [SIGNATURE_HEADER]: signWebhookBody(secret, delivery.body) }
        : { 'X-3kstory-Unsigned': 'no-webhook-secret' }),
    };
    const response = await this.parts.sender.post(delivery.url, delivery.body, headers);
    const at = this.now();
    if (response.ok) {
      await this.run(streamId, {
        type: 'RecordWebhookDelivery',
        data: {
          deliveryId,
          attempt,
          status: response.status,
          responseSnippet: response.snippet,
          durationMs: response.durationMs,
          now: at,
        },
      });
      return;
    }
    const next = response.permanent
      ? null
      : nextAttemptAt(
          attempt,
          delivery.scheduledAt,
          new Date(at),
          options.backoff,
          (options.random ?? Math.random)(),
        );
    await this.run(streamId, {
      type: 'RecordWebhookFailure',
      data: {
        deliveryId,
        attempt,
        status: response.status,
        error: response.error,
        responseSnippet: response.snippet,
        now: at,
        nextAttemptAt: (next ?? new Date(at)).toISOString(),
      },
    });
    if (next === null) {
      const reason = response.permanent
        ? `${response.error} (not retried)`
        : `gave up after ${attempt} attempts within ${Math.round(options.backoff.maxAgeMs / 1000)} s; last error: ${response.error}`;
      await this.abandon(streamId, { ...delivery, attempts: attempt }, reason);
    }
  }

  private async abandon(streamId: string, delivery: Delivery, reason: string): Promise<void> {
    this.parts.logger.warn(
      {
        correlationId: requestContext.current()?.correlationId,
        streamId,
        deliveryId: delivery.deliveryId,
        url: delivery.url.split('?')[0],
        reason,
      },
      'webhook abandoned',
    );
    await this.run(streamId, {
      type: 'AbandonWebhook',
      data: { deliveryId: delivery.deliveryId, reason, now: this.now() },
    });
  }

  private async load(streamId: string): Promise<WebhookState> {
    const stored = await this.parts.store.readStream(streamId);
    return webhookStream.fold(stored);
  }

  private async run(
    streamId: string,
    command: WebhookCommand,
    context?: RequestContext,
  ): Promise<WebhookEvent[]> {
    const { store, clock, ids } = this.parts;
    const result = await handleCommand({ store, clock, ids }, streamId, webhookStream, command, { context });
    return result.events;
  }

  private now(): string {
    return this.parts.clock.now().toISOString();
  }
}
