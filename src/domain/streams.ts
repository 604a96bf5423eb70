import { dramaStream, videoTaskStream } from './drama/drama.streams.js';
import { projectStream } from './project/project.streams.js';
import { quotaStream } from './quota/quota.streams.js';
import { webhookStream } from './webhook/webhook.streams.js';

/** Every kind of stream the log holds. */
export const STREAM_KINDS = [
  projectStream,
  dramaStream,
  videoTaskStream,
  webhookStream,
  quotaStream,
] as const;
export type StreamKindName = (typeof STREAM_KINDS)[number]['name'];

export interface KnownStream {
  streamId: string;
  kind: StreamKindName;
}

/** The kind of a stream id; null for a stream this code does not know. */
export function kindOfStream(streamId: string): StreamKindName | null {
  return STREAM_KINDS.find((k) => k.owns(streamId))?.name ?? null;
}

/**
 * A project's streams: its own, then each of its dramas' and video tasks' (in the order given) with the
 * webhook stream of each (deliveries live on `webhook-<drama or task id>`). Unknown ids are left out.
 */
export function projectStreamSet(projectId: string, dramaStreamIds: readonly string[]): KnownStream[] {
  const streams: KnownStream[] = [{ streamId: projectStream.streamId(projectId), kind: 'project' }];
  for (const streamId of dramaStreamIds) {
    const kind = [dramaStream, videoTaskStream].find((k) => k.owns(streamId));
    if (!kind) continue;
    streams.push({ streamId, kind: kind.name });
    streams.push({ streamId: webhookStream.streamId(kind.idOf(streamId)), kind: 'webhook' });
  }
  return streams;
}
