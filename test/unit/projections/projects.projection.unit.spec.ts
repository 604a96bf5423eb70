import { describe, expect, it } from '@jest/globals';
import { projectsProjection } from '../../../src/projections/projects/projects.projection.js';
import type { DramaKind } from '../../../src/domain/drama/drama.types.js';
import { dramaRequested, type GivenEvent, projectionSpec } from '../../support/projection-spec.js';

const spec = projectionSpec(projectsProjection);
const P = '11111111-1111-4111-8111-111111111111';
const OWNER = '22222222-2222-4222-8222-222222222222';
const D1 = '33333333-3333-4333-8333-333333333331';
const D2 = '33333333-3333-4333-8333-333333333332';

const created: GivenEvent = {
  streamId: `project-${P}`,
  type: 'ProjectCreated',
  data: {
    projectId: P,
    ownerId: OWNER,
    title: '我的网剧',
    description: '程序员的故事',
    genre: '爱情',
    targetEpisodes: 5,
    targetDurationSec: 120,
    createdAt: '2026-12-01T09:00:00.000Z',
  },
};
const requested = (dramaId: string, kind: DramaKind = 'drama'): GivenEvent =>
  dramaRequested({ dramaId, projectId: P, ownerId: OWNER, kind });
const ended = (dramaId: string, type: string): GivenEvent => ({
  streamId: `drama-${dramaId}`,
  type,
  data: {},
});

/** Events in, rows out: the projects read model, checked one event at a time, in pairs and in one batch. */
describe('projects projection', () => {
  it('makes a draft project of ProjectCreated and applies edits', async () => {
    const { projects } = await spec
      .given([
        created,
        {
          streamId: `project-${P}`,
          type: 'ProjectUpdated',
          data: { projectId: P, changes: { title: '新标题' }, updatedAt: '2026-12-01T09:05:00.000Z' },
        },
      ])
      .rows();
    expect(projects).toEqual([
      expect.objectContaining({
        id: P,
        owner_id: OWNER,
        title: '新标题',
        genre: '爱情',
        status: 'draft',
        version: 2,
      }),
    ]);
  });

  it("follows its newest drama's status; a video task never decides it", async () => {
    const generating = await spec.given([created, requested(D1)]).rows();
    expect(generating.projects[0]).toMatchObject({ status: 'generating' });
    const done = await spec.given([created, requested(D1), ended(D1, 'DramaCompleted')]).rows();
    expect(done.projects[0]).toMatchObject({ status: 'completed' });
    // An older drama failing after a newer one was requested does not change the project's status.
    const newer = await spec
      .given([created, requested(D1), requested(D2), ended(D1, 'DramaFailed'), ended(D2, 'DramaCancelled')])
      .rows();
    expect(newer.projects[0]).toMatchObject({ status: 'cancelled' });
    const task = await spec
      .given([created, requested(D1), ended(D1, 'DramaCompleted'), requested(D2, 'single_video')])
      .rows();
    expect(task.projects[0]).toMatchObject({ status: 'completed' });
  });

  it('marks a finished script-only generation as scripted', async () => {
    const { projects } = await spec
      .given([created, requested(D1, 'script_only'), ended(D1, 'DramaCompleted')])
      .rows();
    expect(projects[0]).toMatchObject({ status: 'scripted' });
  });

  it('drops the project on ProjectDeleted', async () => {
    const { projects } = await spec
      .given([
        created,
        requested(D1),
        {
          streamId: `project-${P}`,
          type: 'ProjectDeleted',
          data: { projectId: P, deletedAt: '2026-12-01T10:00:00Z' },
        },
      ])
      .rows();
    expect(projects).toEqual([]);
  });
});
