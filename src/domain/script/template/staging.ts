import type { Beat } from '../beats.js';
import type { TimeOfDay } from '../vocabulary.js';
import type { CommonSpot } from './places.js';

export type SpotKind = CommonSpot | 'workA' | 'workB' | 'workD' | 'climax' | 'landmark';

/**
 * Where and when each beat plays. Development beats rotate through their lists so a long drama moves
 * around the city instead of repeating one room; the story text for each beat is written to fit these.
 */
export const STAGING: Record<Beat, { times: readonly TimeOfDay[]; spots: readonly SpotKind[] }> = {
  opening: { times: ['night'], spots: ['workA'] },
  setup: { times: ['day', 'dawn', 'day'], spots: ['workA', 'transit', 'cafe'] },
  inciting_incident: { times: ['day'], spots: ['workA'] },
  first_turn: { times: ['dusk'], spots: ['rooftop'] },
  rising_action: { times: ['day', 'dusk', 'night', 'day'], spots: ['workB', 'landmark', 'store', 'cafe'] },
  midpoint: { times: ['night'], spots: ['landmark'] },
  complication: { times: ['day', 'dusk'], spots: ['workD', 'workA'] },
  crisis: { times: ['night'], spots: ['home'] },
  regroup: { times: ['night', 'night'], spots: ['bar', 'store'] },
  climax: { times: ['dusk'], spots: ['climax'] },
  aftermath: { times: ['day', 'dusk'], spots: ['street', 'workA'] },
  resolution: { times: ['dawn'], spots: ['landmark'] },
};
