import {
  type AppendStreamState,
  type CurrentStreamState,
  type EventData,
  jsonEvent,
  NO_STREAM,
  type Position,
  type RecordedEvent,
  ANY,
  STREAM_EXISTS,
  WrongExpectedVersionError as KurrentWrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import {
  type EventMetadata,
  type ExpectedVersion,
  type NewEvent,
  type StoredEvent,
  WrongExpectedVersionError,
} from '../../application/ports/event-store.port.js';

/*
 * Pure translations between the port and KurrentDB, kept apart from the client calls so they can be
 * tested without a server.
 *
 * Versions: the port counts from 1 (a stream with n events has version n, a missing stream is 0);
 * Kurrent revisions count from 0 (the n-th event has revision n-1, a missing stream is `no_stream`).
 *
 * Positions: the port's global position is the event's byte offset in Kurrent's transaction log. Every
 * event appended over gRPC is its own implicitly committed record, so its $all position has
 * commit == prepare == that offset: one number, strictly increasing in $all order, never 0 for an
 * event (the log opens with the epoch record), so 0 still means "before everything". Offsets are
 * sparse, and stay exact as JS numbers up to 2^53 bytes (8 PiB) of log. Stream reads report the
 * offset as the prepare position only (their commit position is unknown to the index), so the prepare
 * position is the one we read everywhere.
 */

const U64_MAX = 2n ** 64n - 1n;

/** Port expected version -> Kurrent stream state (exact versions become 0-based revisions). */
export function toStreamState(expected: ExpectedVersion): AppendStreamState {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      if (!Number.isSafeInteger(expected) || expected < 0) {
        throw new RangeError(`invalid expected version ${expected}`);
      }
      return expected === 0 ? NO_STREAM : BigInt(expected - 1);
  }
}

/** Kurrent's current stream state -> the port's stream version. */
export function toStreamVersion(state: CurrentStreamState | AppendStreamState): number {
  if (typeof state === 'bigint') return Number(state) + 1;
  if (state === NO_STREAM) return 0;
  throw new RangeError(`stream state ${String(state)} is not a version`);
}

/** Whether a stream at `version` satisfies `expected` (the port's rules, which are Kurrent's). */
export function satisfies(expected: ExpectedVersion, version: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return version === 0;
    case 'stream_exists':
      return version > 0;
    default:
      return version === expected;
  }
}

export function toGlobalPosition(position: Position | undefined, source: '$all' | 'stream'): number {
  if (!position) throw new Error('KurrentDB returned an event without its log position (server too old?)');
  if (source === '$all' && position.commit !== position.prepare && position.commit !== U64_MAX) {
    // Only the legacy TCP API's explicit transactions commit apart from their prepares.
    throw new Error(
      `event at commit ${position.commit} / prepare ${position.prepare} was written in an explicit transaction; ` +
        'this store needs one log record per event (gRPC appends)',
    );
  }
  if (position.prepare > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`log position ${position.prepare} is beyond what a global position can hold`);
  }
  return Number(position.prepare);
}

/** The $all position to read from for "after `globalPosition`" (Kurrent's forward read includes it). */
export function toReadPosition(globalPosition: number): Position {
  const offset = BigInt(globalPosition);
  return { commit: offset, prepare: offset };
}

/** System events ($metadata, $>, $epoch, $stats…) and system streams never reach the port. */
export function isSystemEvent(event: Pick<RecordedEvent, 'type' | 'streamId'>): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

/**
 * Stored metadata uses Kurrent's own `$correlationId` / `$causationId` keys, so the server's
 * `$by_correlation_id` projection and its UI understand our events; everything else is kept as is.
 */
export function toEventData(event: NewEvent): EventData {
  const { correlationId, causationId, ...rest } = event.metadata;
  const metadata: Record<string, unknown> = { ...rest, $correlationId: correlationId };
  if (causationId !== null) metadata.$causationId = causationId;
  return jsonEvent({
    id: event.id,
    type: event.type,
    // The client's types only admit objects, arrays and strings; any JSON value is stored as JSON.
    data: (event.data ?? null) as Record<string, unknown>,
    metadata,
  });
}

export function toMetadata(stored: unknown, recordedAt: Date, eventId: string): EventMetadata {
  const raw = stored && typeof stored === 'object' && !(stored instanceof Uint8Array) ? stored : {};
  const {
    $correlationId,
    $causationId,
    correlationId,
    causationId,
    userId,
    schemaVersion,
    occurredAt,
    ...rest
  } = raw as Record<string, unknown>;
  return {
    ...rest,
    correlationId: String($correlationId ?? correlationId ?? eventId),
    causationId: ($causationId ?? causationId ?? null) as string | null,
    userId: (userId ?? null) as string | null,
    schemaVersion: typeof schemaVersion === 'number' ? schemaVersion : 1,
    occurredAt: typeof occurredAt === 'string' ? occurredAt : recordedAt.toISOString(),
  };
}

export function toStoredEvent(event: RecordedEvent, source: '$all' | 'stream'): StoredEvent {
  return {
    id: event.id,
    type: event.type,
    streamId: event.streamId,
    streamVersion: Number(event.revision) + 1,
    globalPosition: toGlobalPosition(event.position, source),
    data: event.isJson ? event.data : Buffer.from(event.data as Uint8Array),
    metadata: toMetadata(event.metadata, event.created, event.id),
    recordedAt: event.created.toISOString(),
  };
}

/** Kurrent's version conflict -> the port's; anything else is passed on unchanged. */
export function translateAppendError(error: unknown, streamId: string, expected: ExpectedVersion): unknown {
  if (error instanceof KurrentWrongExpectedVersionError) {
    return new WrongExpectedVersionError(streamId, expected, toStreamVersion(error.actualState));
  }
  return error;
}
