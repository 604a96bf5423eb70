import type { Logger } from 'pino';
import { conflict, notFound } from '../../domain/shared/domain-error.js';
import type { ConsumerAdmin, ConsumerStatus, ParkedEvent, ParkedEventStore } from '../ports/consumer.port.js';
import type { EventStore, StoredEvent } from '../ports/event-store.port.js';
import {
  type ConsumerOptions,
  type ConsumerSpec,
  DEFAULT_CONSUMER_OPTIONS,
  SupervisedConsumer,
} from './supervised-consumer.js';

/**
 * Every consumer of the global log in this process — projections, the process manager, the job
 * dispatcher, webhooks, live progress, cancellation followers — registered in one place, so operators see
 * them all (/health, /metrics, the admin API, the CLI) and can retry or skip what they parked.
 */
export class ConsumerEngine implements ConsumerAdmin {
  private readonly consumers = new Map<string, SupervisedConsumer>();

  constructor(
    private readonly store: EventStore,
    readonly parked: ParkedEventStore,
    private readonly logger: Logger,
    private readonly options: ConsumerOptions = DEFAULT_CONSUMER_OPTIONS,
    private readonly onFailure?: (consumer: string) => void,
  ) {}

  /** Registers a consumer (not started). A name names one consumer per process. */
  register(spec: ConsumerSpec): SupervisedConsumer {
    if (this.consumers.has(spec.name)) throw new Error(`consumer ${spec.name} is already registered`);
    const consumer = new SupervisedConsumer(spec, {
      store: this.store,
      parked: this.parked,
      logger: this.logger,
      options: this.options,
      onFailure: this.onFailure,
    });
    this.consumers.set(spec.name, consumer);
    return consumer;
  }

  /** Stops and forgets a consumer (a projection whose tables were swapped registers anew). */
  async unregister(name: string): Promise<void> {
    const consumer = this.consumers.get(name);
    this.consumers.delete(name);
    await consumer?.stop();
  }

  get(name: string): SupervisedConsumer | undefined {
    return this.consumers.get(name);
  }

  async status(): Promise<ConsumerStatus[]> {
    const counts = await this.parked.counts();
    return [...this.consumers.values()].map((c) => c.status(counts.get(c.name) ?? 0));
  }

  async retryParked(id: string): Promise<ParkedEvent> {
    const parked = await this.unresolved(id);
    const consumer = this.consumers.get(parked.consumer);
    if (!consumer) {
      throw conflict(
        'CONSUMER.NOT_HERE',
        `consumer ${parked.consumer} does not run in this process: retry it where it runs`,
      );
    }
    const event = await this.eventOf(parked);
    try {
      const { spec } = consumer;
      if (spec.replay) await spec.replay(event);
      else await spec.handle([event], null, await spec.prepare?.([event]));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      await this.parked.failedAgain(id, reason);
      throw conflict('PARKED.RETRY_FAILED', `the event failed again and stays parked: ${reason}`, {
        id,
        consumer: parked.consumer,
        position: parked.position,
      });
    }
    this.logger.info({ consumer: parked.consumer, position: parked.position, id }, 'parked event retried');
    return (await this.parked.resolve(id, 'retried'))!;
  }

  async skipParked(id: string): Promise<ParkedEvent> {
    const parked = await this.unresolved(id);
    this.logger.warn({ consumer: parked.consumer, position: parked.position, id }, 'parked event skipped');
    return (await this.parked.resolve(id, 'skipped'))!;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.consumers.values()].map((c) => c.stop()));
  }

  private async unresolved(id: string): Promise<ParkedEvent> {
    const parked = await this.parked.get(id);
    if (!parked) throw notFound('PARKED.NOT_FOUND', `no parked event ${id}`);
    if (parked.status !== 'parked') {
      throw conflict('PARKED.RESOLVED', `parked event ${id} was already ${parked.status}`);
    }
    return parked;
  }

  private async eventOf(parked: ParkedEvent): Promise<StoredEvent> {
    const [event] = await this.store.readAll({ after: parked.position - 1, maxCount: 1 });
    if (!event || event.id !== parked.eventId) {
      throw conflict(
        'PARKED.EVENT_MISSING',
        `event ${parked.eventId} is no longer at position ${parked.position}`,
      );
    }
    return event;
  }
}
