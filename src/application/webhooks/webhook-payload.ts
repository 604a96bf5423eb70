import { decodeDramaEvent, foldDrama } from '../../domain/drama/drama.streams.js';
import type { DramaEvent, DramaRequested } from '../../domain/drama/drama.events.js';
import { summarizeDrama } from '../../domain/drama/drama.progress.js';
import type { WebhookEventName } from '../../domain/webhook/webhook.events.js';
import type { BlobStore } from '../ports/blob-store.port.js';
import type { StoredEvent } from '../ports/event-store.port.js';

/** Events that end a drama or task, and the callback each one sends. */
export const TERMINAL_EVENTS = ['DramaCompleted', 'DramaFailed', 'DramaCancelled'] as const;

const OUTCOME: Record<(typeof TERMINAL_EVENTS)[number], 'completed' | 'failed' | 'cancelled'> = {
  DramaCompleted: 'completed',
  DramaFailed: 'failed',
  DramaCancelled: 'cancelled',
};

export interface CallbackPlan {
  url: string;
  projectId: string;
  ownerId: string;
  subjectId: string;
  event: WebhookEventName;
  body: string;
}

const finishedAt = (event: DramaEvent): string | null => {
  switch (event.type) {
    case 'DramaCompleted':
      return event.data.completedAt;
    case 'DramaFailed':
      return event.data.failedAt;
    case 'DramaCancelled':
      return event.data.cancelledAt;
    default:
      return null;
  }
};

/**
 * The callback for a drama's or task's terminal event, or null when the request asked for none. The
 * stream is folded up to that event only, so the body describes that outcome even if the drama later
 * changes again (a regenerated scene completes it a second time, with its own callback).
 */
export async function planCallback(
  stream: readonly StoredEvent[],
  terminal: StoredEvent,
  deliveryId: string,
  blobs: BlobStore,
): Promise<CallbackPlan | null> {
  const first = stream[0];
  if (first?.type !== 'DramaRequested') return null;
  const requested = first.data as DramaRequested['data'];
  const url = requested.request.callbackUrl;
  if (!url) return null;
  const outcome = OUTCOME[terminal.type as (typeof TERMINAL_EVENTS)[number]];
  if (!outcome) return null;
  const state = foldDrama(stream.filter((e) => e.streamVersion <= terminal.streamVersion));
  if (state.status === 'empty') return null;
  const summary = summarizeDrama(state);
  const link = (key: string | null | undefined) => (key ? blobs.url(key) : Promise.resolve(null));
  const ending = decodeDramaEvent(terminal);
  const isTask = requested.kind === 'single_video';
  const event: WebhookEventName = `${isTask ? 'task' : 'drama'}.${outcome}`;
  const error =
    ending.type === 'DramaFailed'
      ? { stage: ending.data.stage, reason: ending.data.reason }
      : ending.type === 'DramaCancelled'
        ? { stage: null, reason: ending.data.reason }
        : null;
  const result = isTask
    ? {
        video_url: await link(summary.result?.key),
        subtitles_url: await link(summary.result?.srtKey),
        duration_sec: summary.result?.durationSec ?? null,
      }
    : {
        episodes: await Promise.all(
          summary.episodes
            .filter((e) => e.videoKey)
            .map(async (e) => ({
              number: e.number,
              video_url: await link(e.videoKey),
              subtitles_url: await link(e.subtitlesKey),
              vtt_url: await link(e.vttKey),
              poster_url: await link(e.posterKey),
              duration_sec: e.durationSec,
            })),
        ),
      };
  const payload = {
    delivery_id: deliveryId,
    event,
    ...(isTask ? { task_id: requested.dramaId } : { drama_id: requested.dramaId }),
    project_id: requested.projectId,
    kind: requested.kind,
    status: outcome,
    requested_at: requested.requestedAt,
    finished_at: finishedAt(ending),
    ...result,
    error,
  };
  return {
    url,
    projectId: requested.projectId,
    ownerId: requested.ownerId,
    subjectId: requested.dramaId,
    event,
    body: JSON.stringify(payload),
  };
}
