import { DomainError } from '../../domain/shared/domain-error.js';
import type { StreamKind } from '../../domain/shared/stream-kind.js';
import {
  type EventMetadata,
  type EventStore,
  type NewEvent,
  WrongExpectedVersionError,
} from '../ports/event-store.port.js';
import type { Clock, IdGenerator } from '../ports/system.port.js';
import { type RequestContext, requestContext } from './request-context.js';

export interface CommandOptions {
  /** The version the client last saw (If-Match). A mismatch is reported, never retried. */
  expectedVersion?: number;
  maxAttempts?: number;
  context?: RequestContext;
}

export interface CommandResult<State, Event> {
  state: State;
  version: number;
  events: Event[];
  /** Global position of the last appended event; null when the command decided nothing. */
  lastPosition: number | null;
}

export interface CommandDeps {
  store: EventStore;
  clock: Clock;
  ids: IdGenerator;
}

const preconditionFailed = (streamId: string, expected: number, actual: number) =>
  new DomainError(
    'precondition_failed',
    'VERSION.MISMATCH',
    `${streamId} is at version ${actual}, not ${expected}: reload and retry`,
    { expected, actual },
  );

export const eventMetadata = (clock: Clock, context?: RequestContext, occurredAt?: string): EventMetadata => {
  const ctx = context ?? requestContext.current();
  return {
    correlationId: ctx?.correlationId ?? globalThis.crypto.randomUUID(),
    causationId: ctx?.causationId ?? null,
    userId: ctx?.userId ?? null,
    schemaVersion: 1,
    occurredAt: occurredAt ?? clock.now().toISOString(),
  };
};

/**
 * The instant a command was decided at (`data.now`, which the decider stamps into its events as
 * createdAt, completedAt, …). The events' metadata carry the same instant, so the times the API reports
 * and the times `as_of` compares are one clock.
 */
const decidedAt = (command: unknown): string | undefined => {
  const now = (command as { data?: { now?: unknown } } | null)?.data?.now;
  return typeof now === 'string' && !Number.isNaN(Date.parse(now)) ? now : undefined;
};

/** A stream folded with its decider (events decoded by its kind): the state and the version it is at. */
export async function loadAggregate<State>(
  store: EventStore,
  streamId: string,
  kind: Pick<StreamKind<State, never, { type: string; data: unknown }>, 'fold'>,
): Promise<{ state: State; version: number }> {
  const stored = await store.readStream(streamId);
  return {
    state: kind.fold(stored),
    version: stored.length === 0 ? 0 : stored[stored.length - 1]!.streamVersion,
  };
}

/**
 * Read → fold → decide → append with the stream's version as the expected version. A concurrent
 * writer makes the append fail; the whole cycle then runs again on fresh state, a bounded number of times.
 */
export async function handleCommand<State, Command, Event extends { type: string; data: unknown }>(
  deps: CommandDeps,
  streamId: string,
  kind: StreamKind<State, Command, Event>,
  command: Command,
  options: CommandOptions = {},
): Promise<CommandResult<State, Event>> {
  const maxAttempts = options.maxAttempts ?? 10;
  for (let attempt = 1; ; attempt++) {
    const stored = await deps.store.readStream(streamId);
    const version = stored.length === 0 ? 0 : stored[stored.length - 1]!.streamVersion;
    const state = kind.fold(stored);
    // Decide first: a command the actor may not run fails as such (e.g. 404), before any version talk.
    const events = kind.decider.decide(command, state);
    if (options.expectedVersion !== undefined && options.expectedVersion !== version) {
      throw preconditionFailed(streamId, options.expectedVersion, version);
    }
    if (events.length === 0) return { state, version, events, lastPosition: null };

    const metadata = eventMetadata(deps.clock, options.context, decidedAt(command));
    const toAppend: NewEvent[] = events.map((event) => ({
      id: deps.ids.uuid(),
      type: event.type,
      data: event.data,
      metadata: { ...metadata, schemaVersion: kind.schemaVersion(event.type) },
    }));
    try {
      const result = await deps.store.appendToStream(streamId, toAppend, {
        expectedVersion: version === 0 ? 'no_stream' : version,
      });
      return {
        state: events.reduce(kind.decider.evolve, state),
        version: result.nextVersion,
        events,
        lastPosition: result.lastPosition,
      };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      if (options.expectedVersion !== undefined) {
        throw preconditionFailed(streamId, options.expectedVersion, error.actual);
      }
      if (attempt >= maxAttempts) {
        throw new DomainError(
          'conflict',
          'CONCURRENCY.CONFLICT',
          `${streamId} kept changing under ${maxAttempts} attempts; retry the request`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 5 * 2 ** attempt)));
    }
  }
}
