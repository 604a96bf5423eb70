import { type RecordedEvent, streamKind, type UpcasterTable } from '../shared/stream-kind.js';
import { dramaDecider } from './drama.decider.js';
import type { DramaEvent } from './drama.events.js';
import type { DramaKind } from './drama.types.js';

/**
 * DramaRequested v1 → v2. Version 1 (before the `resolution` option, and 720p requests after it) left
 * `request.resolution` out, which meant 720p; version 2 always states it, so readers never guess.
 */
export function dramaRequestedV1ToV2(data: Record<string, unknown>): Record<string, unknown> {
  const request = (data.request ?? {}) as Record<string, unknown>;
  return { ...data, request: { ...request, resolution: request.resolution ?? '720p' } };
}

/**
 * How events written by older code are read today, by type and the schema version they were written in.
 * Drama and video-task streams share the drama's events, so they share this table.
 */
export const DRAMA_UPCASTERS: UpcasterTable = {
  DramaRequested: { 1: dramaRequestedV1ToV2 },
};

/** `drama-<id>`: a drama or a script-only drama. */
export const dramaStream = streamKind('drama', dramaDecider, DRAMA_UPCASTERS);
/** `videotask-<id>`: one scene's video made by generate-video, folded with the drama decider. */
export const videoTaskStream = streamKind('videotask', dramaDecider, DRAMA_UPCASTERS);

const DRAMA_KINDS = [dramaStream, videoTaskStream] as const;

/** The stream a drama of this kind is written to. */
export const dramaStreamFor = (kind: DramaKind, id: string) =>
  kind === 'single_video' ? videoTaskStream.streamId(id) : dramaStream.streamId(id);

/** The kind of a drama or video-task stream; null for any other stream. */
export const dramaKindOf = (streamId: string) => DRAMA_KINDS.find((k) => k.owns(streamId)) ?? null;

/** Whether a stream holds drama events (a drama or a video task). */
export const isDramaStream = (streamId: string) => dramaKindOf(streamId) !== null;

/** The kind of a stream the caller knows holds drama events; throws for any other stream. */
export function dramaKindFor(streamId: string) {
  const kind = dramaKindOf(streamId);
  if (!kind) throw new Error(`${streamId} is not a drama or video-task stream`);
  return kind;
}

/** The drama or video-task id of a drama stream; throws for any other stream. */
export const dramaIdOf = (streamId: string): string => dramaKindFor(streamId).idOf(streamId);

/** One recorded drama event as today's `DramaEvent`. */
export const decodeDramaEvent = (event: RecordedEvent): DramaEvent => dramaStream.decode(event);

/** A drama or video-task stream's events folded into its state. */
export const foldDrama = (events: readonly RecordedEvent[]) => dramaStream.fold(events);
