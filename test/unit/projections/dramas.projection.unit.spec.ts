import { describe, expect, it } from '@jest/globals';
import { dramasProjection } from '../../../src/projections/dramas/dramas.projection.js';
import type { DramaRequest } from '../../../src/domain/drama/drama.types.js';
import { dramaRequested, type GivenEvent, projectionSpec } from '../../support/projection-spec.js';

const spec = projectionSpec(dramasProjection);
const P = '11111111-1111-4111-8111-111111111111';
const OWNER = '22222222-2222-4222-8222-222222222222';
const D = '33333333-3333-4333-8333-333333333331';
const stream = `drama-${D}`;

const request: DramaRequest = {
  kind: 'drama',
  resolution: '720p',
  title: '我的网剧',
  description: '',
  genre: '爱情',
  episodes: 1,
  scenesPerEpisode: 2,
  episodeDurationSec: 60,
  prompt: '北京，一个 996 的程序员',
  aspectRatio: '16:9',
  useLocalLlm: true,
  providers: { video: 'local', image: 'local', tts: 'local' },
  notes: ['video_provider "runway" is not configured'],
};
const requested = dramaRequested({ dramaId: D, projectId: P, ownerId: OWNER, request });
const control = (type: string, data: object): GivenEvent => ({ streamId: stream, type, data });

/** Events in, rows out: the dramas read model (the row summarises the folded drama). */
describe('dramas projection', () => {
  it('makes a pending row of DramaRequested, with who owns it and the notes given at request time', async () => {
    const { dramas } = await spec.given([requested]).rows();
    expect(dramas).toEqual([
      expect.objectContaining({
        id: D,
        stream_id: stream,
        kind: 'drama',
        project_id: P,
        owner_id: OWNER,
        status: 'pending',
        progress: 0,
        withdrawn: false,
        notes: ['video_provider "runway" is not configured'],
      }),
    ]);
  });

  it('follows pause, resume and cancel', async () => {
    const paused = await spec
      .given([requested, control('DramaPaused', { pausedAt: '2026-12-01T09:01:00Z', by: OWNER })])
      .rows();
    expect(paused.dramas[0]).toMatchObject({ status: 'paused' });
    const cancelled = await spec
      .given([
        requested,
        control('DramaPaused', { pausedAt: '2026-12-01T09:01:00Z', by: OWNER }),
        control('DramaResumed', { resumedAt: '2026-12-01T09:02:00Z', by: OWNER }),
        control('DramaCancelled', { cancelledAt: '2026-12-01T09:03:00Z', by: OWNER, reason: 'not needed' }),
      ])
      .rows();
    expect(cancelled.dramas[0]).toMatchObject({ status: 'cancelled' });
  });

  it('withdraws the dramas of a deleted project, also one requested in the same batch', async () => {
    const { dramas } = await spec
      .given([
        requested,
        {
          streamId: `project-${P}`,
          type: 'ProjectDeleted',
          data: { projectId: P, deletedAt: '2026-12-01T10:00:00Z' },
        },
      ])
      .rows();
    expect(dramas[0]).toMatchObject({ id: D, withdrawn: true });
  });
});
