import { dramaKindFor, dramaStreamFor } from '../../domain/drama/drama.streams.js';
import { isOpen } from '../../domain/drama/drama.state.js';
import type { DramaKind } from '../../domain/drama/drama.types.js';
import type { GenerationLimits, OpenGeneration } from '../../domain/quota/quota.decider.js';
import { quotaStream } from '../../domain/quota/quota.streams.js';
import type { EventStore } from '../ports/event-store.port.js';
import type { Clock, IdGenerator } from '../ports/system.port.js';
import { handleCommand, loadAggregate } from '../shared/command-handler.js';

export const GENERATION_QUOTA = Symbol('GenerationQuota');

/**
 * An admission that was recorded but whose drama never reached the log (the request died in between)
 * stops counting after this long.
 */
const UNWRITTEN_GRACE_MS = 60_000;

/**
 * Fair use per user, decided on the user's own `quota-<id>` stream: every API process appends there with
 * the version it read, so the limits hold under concurrent requests from any number of processes.
 */
export class GenerationQuota {
  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    readonly limits: GenerationLimits,
  ) {}

  /** Records a new generation for its owner, or throws a 429 naming the limit it would break. */
  async admit(
    ownerId: string,
    request: { dramaId: string; kind: DramaKind; videoSec: number; scenes: number },
  ): Promise<void> {
    const { limits } = this;
    if (limits.concurrentDramas === 0 && limits.queuedVideoSec === 0 && limits.scenesPerRequest === 0) return;
    const streamId = quotaStream.streamId(ownerId);
    const now = this.clock.now();
    const { state } = await loadAggregate(this.store, streamId, quotaStream);
    const finished = await this.finished(state.open, now.getTime());
    await handleCommand({ store: this.store, clock: this.clock, ids: this.ids }, streamId, quotaStream, {
      type: 'AdmitGeneration',
      data: { ownerId, ...request, limits, finished, now: now.toISOString() },
    });
  }

  /** The open generations that have ended since they were admitted (at most the limit's few streams). */
  private async finished(open: Readonly<Record<string, OpenGeneration>>, now: number): Promise<string[]> {
    const ended = await Promise.all(
      Object.entries(open).map(async ([id, generation]) => {
        const streamId = dramaStreamFor(generation.kind, id);
        const { state } = await loadAggregate(this.store, streamId, dramaKindFor(streamId));
        if (state.status === 'empty') return now - Date.parse(generation.admittedAt) > UNWRITTEN_GRACE_MS;
        return !isOpen(state);
      }),
    );
    return Object.keys(open).filter((_, i) => ended[i]);
  }
}
