import type { DramaKind } from '../drama/drama.types.js';

/**
 * `quota-<user id>`: the generations (dramas, script-only runs, video tasks) one user has open, so fair-use
 * limits hold across every API process. Appending with the stream's version serialises a user's
 * requests: two at once cannot both take the last slot.
 */
export type GenerationAdmitted = {
  type: 'GenerationAdmitted';
  data: {
    ownerId: string;
    /** The drama's or video task's id. */
    dramaId: string;
    kind: DramaKind;
    /** Seconds of video the request asks for (episodes × episode length, or the clip's length). */
    videoSec: number;
    scenes: number;
    admittedAt: string;
  };
};
/** Generations found finished (completed, failed, cancelled, or never written) when the next one came. */
export type GenerationsClosed = {
  type: 'GenerationsClosed';
  data: { ownerId: string; dramaIds: string[]; closedAt: string };
};
export type QuotaEvent = GenerationAdmitted | GenerationsClosed;
