import type { DramaKind } from '../drama/drama.types.js';
import { assertNever, type Decider } from '../shared/decider.js';
import { DomainError } from '../shared/domain-error.js';
import type { GenerationAdmitted, QuotaEvent } from './quota.events.js';

/** Per-user fair-use limits; 0 means no limit. */
export interface GenerationLimits {
  /** Dramas, script-only runs and video tasks open (pending, running or paused) at once. */
  concurrentDramas: number;
  /** Seconds of video asked for by the open generations together. */
  queuedVideoSec: number;
  /** Scenes one request may ask for. */
  scenesPerRequest: number;
}

export type OpenGeneration = Omit<GenerationAdmitted['data'], 'ownerId'>;

export interface QuotaState {
  open: Readonly<Record<string, OpenGeneration>>;
}

export type QuotaCommand = {
  type: 'AdmitGeneration';
  data: {
    ownerId: string;
    dramaId: string;
    kind: DramaKind;
    videoSec: number;
    scenes: number;
    limits: GenerationLimits;
    /** Open generations the caller found finished; every other open one still counts. */
    finished: readonly string[];
    now: string;
  };
};

/** A fair-use limit spent: 429 naming the limit, with where the caller stands against it. */
const limitReached = (limit: string, message: string, details: Record<string, unknown>) =>
  new DomainError('rate_limited', `QUOTA.${limit.toUpperCase()}`, message, { limit, ...details });

const within = (max: number, value: number) => max === 0 || value <= max;

export const quotaDecider: Decider<QuotaState, QuotaCommand, QuotaEvent> = {
  initialState: () => ({ open: {} }),

  decide(command, state) {
    switch (command.type) {
      case 'AdmitGeneration': {
        const { ownerId, dramaId, kind, videoSec, scenes, limits, finished, now } = command.data;
        if (state.open[dramaId]) return [];
        if (!within(limits.scenesPerRequest, scenes)) {
          throw limitReached(
            'scenes_per_request',
            `a request may ask for at most ${limits.scenesPerRequest} scenes (episodes × scenes_per_episode); this one asks for ${scenes}: split it into smaller dramas`,
            { max: limits.scenesPerRequest, requested: scenes, field: 'scenes_per_episode' },
          );
        }
        const closed = finished.filter((id) => state.open[id]);
        const stillOpen = Object.entries(state.open).filter(([id]) => !closed.includes(id));
        if (!within(limits.concurrentDramas, stillOpen.length + 1)) {
          throw limitReached(
            'concurrent_dramas',
            `you have ${stillOpen.length} dramas or video tasks in progress, the most this server runs for one user at once (${limits.concurrentDramas}): wait for one to finish, or cancel one`,
            { max: limits.concurrentDramas, current: stillOpen.length },
          );
        }
        const queued = stillOpen.reduce((sum, [, g]) => sum + g.videoSec, 0);
        if (!within(limits.queuedVideoSec, queued + videoSec)) {
          throw limitReached(
            'queued_video_seconds',
            `your dramas and video tasks in progress ask for ${queued} s of video; with this request's ${videoSec} s that is over the ${limits.queuedVideoSec} s this server queues for one user: wait for one to finish, or ask for less`,
            { max: limits.queuedVideoSec, current: queued, requested: videoSec },
          );
        }
        const events: QuotaEvent[] = [];
        if (closed.length > 0)
          events.push({ type: 'GenerationsClosed', data: { ownerId, dramaIds: closed, closedAt: now } });
        events.push({
          type: 'GenerationAdmitted',
          data: { ownerId, dramaId, kind, videoSec, scenes, admittedAt: now },
        });
        return events;
      }
      default:
        return assertNever(command.type);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'GenerationAdmitted': {
        const { ownerId: _owner, ...open } = event.data;
        return { open: { ...state.open, [event.data.dramaId]: open } };
      }
      case 'GenerationsClosed': {
        const open = { ...state.open };
        for (const id of event.data.dramaIds) delete open[id];
        return { open };
      }
      default:
        return assertNever(event);
    }
  },
};
