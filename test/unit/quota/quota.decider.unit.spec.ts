import { describe, it } from '@jest/globals';
import type { QuotaEvent } from '../../../src/domain/quota/quota.events.js';
import {
  type GenerationLimits,
  type QuotaCommand,
  quotaDecider,
} from '../../../src/domain/quota/quota.decider.js';
import { deciderSpec } from '../../support/decider-spec.js';

const spec = deciderSpec(quotaDecider);
const limits: GenerationLimits = { concurrentDramas: 2, queuedVideoSec: 600, scenesPerRequest: 10 };
const now = '2026-12-04T03:00:00.000Z';
const admitted = (dramaId: string, videoSec = 100): QuotaEvent => ({
  type: 'GenerationAdmitted',
  data: { ownerId: 'u', dramaId, kind: 'drama', videoSec, scenes: 3, admittedAt: now },
});
const admit = (dramaId: string, over: Partial<QuotaCommand['data']> = {}): QuotaCommand => ({
  type: 'AdmitGeneration',
  data: {
    ownerId: 'u',
    dramaId,
    kind: 'drama',
    videoSec: 100,
    scenes: 3,
    limits,
    finished: [],
    now,
    ...over,
  },
});

describe('fair-use quota decider', () => {
  it('admits a generation within every limit', () =>
    spec
      .given([admitted('a')])
      .when(admit('b'))
      .then([admitted('b')]));

  it('refuses a third open generation, naming the limit', () =>
    spec
      .given([admitted('a'), admitted('b')])
      .when(admit('c'))
      .thenThrows('QUOTA.CONCURRENT_DRAMAS'));

  it('closes the generations the caller found finished, and then admits', () =>
    spec
      .given([admitted('a'), admitted('b')])
      .when(admit('c', { finished: ['a', 'unknown'] }))
      .then([
        { type: 'GenerationsClosed', data: { ownerId: 'u', dramaIds: ['a'], closedAt: now } },
        admitted('c'),
      ]));

  it('counts a closed generation no more', () =>
    spec
      .given([
        admitted('a'),
        admitted('b'),
        { type: 'GenerationsClosed', data: { ownerId: 'u', dramaIds: ['a'], closedAt: now } },
      ])
      .when(admit('c'))
      .then([admitted('c')]));

  it('refuses video seconds over the queued limit, counting the open ones', () =>
    spec
      .given([admitted('a', 500)])
      .when(admit('b', { videoSec: 101 }))
      .thenThrows('QUOTA.QUEUED_VIDEO_SECONDS'));

  it('admits up to exactly the queued limit', () =>
    spec
      .given([admitted('a', 500)])
      .when(admit('b', { videoSec: 100 }))
      .then([admitted('b', 100)]));

  it('refuses more scenes than one request may ask for', () =>
    spec
      .given([])
      .when(admit('a', { scenes: 11 }))
      .thenThrows('QUOTA.SCENES_PER_REQUEST'));

  it('treats 0 as no limit', () =>
    spec
      .given([admitted('a', 10_000), admitted('b', 10_000)])
      .when(
        admit('c', {
          scenes: 500,
          videoSec: 10_000,
          limits: { concurrentDramas: 0, queuedVideoSec: 0, scenesPerRequest: 0 },
        }),
      )
      .then([admitted('c', 10_000)].map((e) => ({ ...e, data: { ...e.data, scenes: 500 } }) as QuotaEvent)));

  it('admits the same generation once (a retried request)', () =>
    spec
      .given([admitted('a'), admitted('b')])
      .when(admit('a'))
      .then([]));
});
