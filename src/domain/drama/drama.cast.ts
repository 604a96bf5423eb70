import { type ActiveDrama, slot } from './drama.state.js';
import { type CastMember, type CastOutput, DRAMA_TARGET, type Stage } from './drama.types.js';

/** Stages that run only once the cast exists (their pictures and voices come from it). */
const AFTER_CAST: readonly Stage[] = ['images', 'video', 'review', 'assemble'];

/**
 * Whether this drama has a cast step. A drama recorded before the step existed, and already past its
 * storyboard (a job of a later stage exists, none of `cast`), finishes without one: its scenes keep the
 * inputs, and so the results, they had. One that had not got that far gets its cast before its images.
 */
export function hasCastStep(drama: ActiveDrama): boolean {
  if (drama.kind !== 'drama') return false;
  let later = false;
  for (const job of Object.values(drama.jobs)) {
    if (job.stage === 'cast') return true;
    if (AFTER_CAST.includes(job.stage)) later = true;
  }
  return !later;
}

export const castOf = (drama: ActiveDrama): CastOutput | null => {
  const output = drama.outputs[slot('cast', DRAMA_TARGET)]?.output;
  return output?.stage === 'cast' ? output : null;
};

const key = (name: string) => name.trim().toLowerCase();

/** The cast member of that name (names match as the script checks them: trimmed, any case). */
export const castMember = (cast: CastOutput | null, name: string): CastMember | undefined =>
  cast?.characters.find((c) => key(c.name) === key(name));
