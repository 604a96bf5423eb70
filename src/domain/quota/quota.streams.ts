import { streamKind } from '../shared/stream-kind.js';
import { quotaDecider } from './quota.decider.js';

/** `quota-<user id>`: one user's open generations, for the fair-use limits. */
export const quotaStream = streamKind('quota', quotaDecider);
