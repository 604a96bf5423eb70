import { type Decider, fold } from './decider.js';

/** An event as the log gives it back: its type, its data as written, and the schema it was written in. */
export interface RecordedEvent {
  type: string;
  data: unknown;
  metadata?: { schemaVersion?: number } | null;
}

/** Lifts the data of one event type from one schema version to the next. Pure; never sees other events. */
export type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

/**
 * Upcasters by event type, then by the schema version they read: `{ DramaRequested: { 1: v1ToV2 } }`
 * means a DramaRequested written in version 1 is lifted to 2, and new ones are written in version 2.
 */
export type UpcasterTable = Readonly<Record<string, Readonly<Record<number, Upcaster>>>>;

/**
 * Everything the code knows about one kind of stream (`drama-<id>`, `project-<id>`, …): how its id is
 * built and read back, which decider folds it, and how events written by older code are read today.
 * The one place stream ids and event decoding live: nothing else slices a stream id or casts
 * `{ type, data }` to a domain event.
 */
export interface StreamKind<
  State,
  Command,
  Event extends { type: string; data: unknown },
  Name extends string = string,
> {
  readonly name: Name;
  readonly decider: Decider<State, Command, Event>;
  streamId(id: string): string;
  /** Whether a stream id is of this kind. */
  owns(streamId: string): boolean;
  /** The aggregate id inside a stream id of this kind; throws for another kind's stream. */
  idOf(streamId: string): string;
  /** The schema version this code writes events of `type` in. */
  schemaVersion(type: string): number;
  /** A recorded event as this code's event type: upcast from the version it was written in. */
  decode(event: RecordedEvent): Event;
  /** The state after a stream's events, decoded. */
  fold(events: readonly RecordedEvent[]): State;
}

export class UnreadableEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableEventError';
  }
}

export function streamKind<
  State,
  Command,
  Event extends { type: string; data: unknown },
  const Name extends string,
>(
  name: Name,
  decider: Decider<State, Command, Event>,
  upcasters: UpcasterTable = {},
): StreamKind<State, Command, Event, Name> {
  const prefix = `${name}-`;
  const current = new Map(
    Object.entries(upcasters).map(([type, steps]) => [
      type,
      1 + Math.max(0, ...Object.keys(steps).map(Number)),
    ]),
  );
  const schemaVersion = (type: string) => current.get(type) ?? 1;
  const decode = (event: RecordedEvent): Event => {
    const target = schemaVersion(event.type);
    let version = event.metadata?.schemaVersion ?? 1;
    if (version > target) {
      throw new UnreadableEventError(
        `${event.type} was written in schema version ${version}; this code reads up to ${target} (deploy the newer code)`,
      );
    }
    let data = event.data as Record<string, unknown>;
    for (; version < target; version++) {
      const up = upcasters[event.type]?.[version];
      if (!up) throw new UnreadableEventError(`no upcaster for ${event.type} from schema version ${version}`);
      data = up(data);
    }
    return { type: event.type, data } as unknown as Event;
  };
  return {
    name,
    decider,
    streamId: (id) => `${prefix}${id}`,
    owns: (streamId) => streamId.startsWith(prefix),
    idOf(streamId) {
      if (!streamId.startsWith(prefix)) throw new Error(`${streamId} is not a ${name} stream`);
      return streamId.slice(prefix.length);
    },
    schemaVersion,
    decode,
    fold: (events) => fold(decider, events.map(decode)),
  };
}
