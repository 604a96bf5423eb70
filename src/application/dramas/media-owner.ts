import { dramaStreamFor } from '../../domain/drama/drama.streams.js';
import type { DramasReadModel } from '../ports/read-models.port.js';
import { UUID_PATTERN } from '../../domain/shared/ids.js';

const OWNED_KEY = new RegExp(`^(dramas|tasks)/(${UUID_PATTERN})/`);

/** The drama or video task a media key belongs to (`dramas/<id>/…`, `tasks/<id>/…`), if any. */
export function mediaSubject(key: string): { streamId: string; id: string } | null {
  const match = OWNED_KEY.exec(key);
  if (!match) return null;
  const id = match[2]!;
  return { id, streamId: dramaStreamFor(match[1] === 'tasks' ? 'single_video' : 'drama', id) };
}

/**
 * Whether a media key may still be served: a drama's or task's objects only while the drama or task is
 * (its project not deleted). Answers are kept for a second, so the byte-range requests of one
 * playing video cost one lookup; a deletion takes effect within that time.
 */
export function mediaServability(dramas: Pick<DramasReadModel, 'find'>, ttlMs = 1_000) {
  const cache = new Map<string, { servable: boolean; until: number }>();
  return async (key: string): Promise<boolean> => {
    const id = mediaSubject(key)?.id;
    if (!id) return true;
    const now = Date.now();
    const known = cache.get(id);
    if (known && known.until > now) return known.servable;
    const servable = (await dramas.find(id)) !== null;
    if (cache.size > 10_000) cache.clear();
    cache.set(id, { servable, until: now + ttlMs });
    return servable;
  };
}
