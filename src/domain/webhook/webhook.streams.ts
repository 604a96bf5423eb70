import { streamKind } from '../shared/stream-kind.js';
import { webhookDecider } from './webhook.decider.js';

/** `webhook-<subject id>`: the deliveries of one subject's (a drama's or a task's) webhook. */
export const webhookStream = streamKind('webhook', webhookDecider);
