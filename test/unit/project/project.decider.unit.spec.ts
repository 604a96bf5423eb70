import { describe, expect, it } from '@jest/globals';
import type { ProjectCommand } from '../../../src/domain/project/project.commands.js';
import { projectDecider } from '../../../src/domain/project/project.decider.js';
import type { ProjectEvent } from '../../../src/domain/project/project.events.js';
import { fold } from '../../../src/domain/shared/decider.js';
import { DomainError } from '../../../src/domain/shared/domain-error.js';
import { deciderSpec } from '../../support/decider-spec.js';

const spec = deciderSpec(projectDecider);
const projectId = '7d3f9c1e-0000-4000-8000-000000000001';
const ownerId = 'owner-1';
const now = '2026-01-01T00:00:00.000Z';
const later = '2026-01-02T00:00:00.000Z';
const fields = {
  title: '我的网剧',
  description: '一个程序员的爱情故事',
  genre: '爱情',
  targetEpisodes: 5,
  targetDurationSec: 120,
};

const created: ProjectEvent = {
  type: 'ProjectCreated',
  data: { ...fields, projectId, ownerId, createdAt: now },
};
const create = (overrides: Partial<typeof fields> = {}): ProjectCommand => ({
  type: 'CreateProject',
  data: { ...fields, ...overrides, projectId, ownerId, now },
});
const update = (changes: Partial<typeof fields>, actorId = ownerId): ProjectCommand => ({
  type: 'UpdateProject',
  data: { projectId, actorId, changes, now: later },
});
const remove = (actorId = ownerId): ProjectCommand => ({
  type: 'DeleteProject',
  data: { projectId, actorId, now: later },
});

describe('Project decider', () => {
  describe('CreateProject', () => {
    it('creates a project that does not exist', () => spec.given([]).when(create()).then([created]));
    it('refuses to create it twice', () =>
      spec.given([created]).when(create()).thenThrows('PROJECT.ALREADY_EXISTS'));
    it('guards the episode range', () => {
      spec
        .given([])
        .when(create({ targetEpisodes: 0 }))
        .thenThrows('PROJECT.INVALID_EPISODES');
      spec
        .given([])
        .when(create({ targetEpisodes: 101 }))
        .thenThrows('PROJECT.INVALID_EPISODES');
    });
    it('guards the duration range and the title', () => {
      spec
        .given([])
        .when(create({ targetDurationSec: 9 }))
        .thenThrows('PROJECT.INVALID_DURATION');
      spec
        .given([])
        .when(create({ targetDurationSec: 3601 }))
        .thenThrows('PROJECT.INVALID_DURATION');
      spec
        .given([])
        .when(create({ title: '   ' }))
        .thenThrows('PROJECT.INVALID_TITLE');
    });
  });

  describe('UpdateProject', () => {
    it('records only the fields that change', () =>
      spec
        .given([created])
        .when(update({ title: '新标题', genre: '爱情' }))
        .then([
          { type: 'ProjectUpdated', data: { projectId, changes: { title: '新标题' }, updatedAt: later } },
        ]));
    it('decides nothing when nothing changes', () =>
      spec
        .given([created])
        .when(update({ genre: '爱情' }))
        .then([]));
    it("hides another user's project as not found", () =>
      spec
        .given([created])
        .when(update({ title: 'x' }, 'intruder'))
        .thenThrows('PROJECT.NOT_FOUND'));
    it('cannot update a deleted or missing project', () => {
      const deleted: ProjectEvent = { type: 'ProjectDeleted', data: { projectId, deletedAt: later } };
      spec
        .given([created, deleted])
        .when(update({ title: 'x' }))
        .thenThrows('PROJECT.NOT_FOUND');
      spec
        .given([])
        .when(update({ title: 'x' }))
        .thenThrows('PROJECT.NOT_FOUND');
    });
  });

  describe('DeleteProject', () => {
    it('deletes an owned project once', () => {
      spec
        .given([created])
        .when(remove())
        .then([{ type: 'ProjectDeleted', data: { projectId, deletedAt: later } }]);
      spec
        .given([created, { type: 'ProjectDeleted', data: { projectId, deletedAt: later } }])
        .when(remove())
        .thenThrows('PROJECT.NOT_FOUND');
    });
    it("refuses another user's delete", () =>
      spec.given([created]).when(remove('intruder')).thenThrows('PROJECT.NOT_FOUND'));
  });

  it('evolves to the latest state', () => {
    const state = fold(projectDecider, [
      created,
      { type: 'ProjectUpdated', data: { projectId, changes: { targetEpisodes: 8 }, updatedAt: later } },
    ]);
    expect(state).toMatchObject({ status: 'active', title: '我的网剧', targetEpisodes: 8, updatedAt: later });
  });

  it('reports errors as coded domain errors', () => {
    expect(() => projectDecider.decide(update({ title: 'x' }), projectDecider.initialState())).toThrow(
      DomainError,
    );
  });
});
