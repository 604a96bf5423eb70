import { describe, expect, it } from '@jest/globals';
import { ProjectTimeline } from '../../../src/application/audit/project-timeline.js';
import type { StoredEvent } from '../../../src/application/ports/event-store.port.js';
import {
  asOfQuery,
  historyQuery,
  toHistoryFilter,
} from '../../../src/interfaces/http/schemas/audit.schemas.js';

describe('as_of', () => {
  it('takes a global position or an ISO date-time', () => {
    expect(asOfQuery.parse({ as_of: '42' }).as_of).toEqual({ position: 42 });
    expect(asOfQuery.parse({ as_of: '2026-11-28T03:00:00+08:00' }).as_of).toEqual({
      time: '2026-11-27T19:00:00.000Z',
    });
    expect(asOfQuery.parse({}).as_of).toBeUndefined();
  });

  it.each(['yesterday', '-1', '1.5', '2026-13-45', '2026-11-28', ''])('rejects %j naming as_of', (value) => {
    const result = asOfQuery.safeParse({ as_of: value });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['as_of']);
  });
});

describe('history filters', () => {
  it('splits types, keeps bounds inclusive and turns the after cursor into a lower bound', () => {
    const q = historyQuery.parse({ type: 'DramaRequested, StageCompleted', after: '10', from_position: '5' });
    expect(toHistoryFilter(q)).toEqual({
      types: ['DramaRequested', 'StageCompleted'],
      from: undefined,
      to: undefined,
      fromPosition: 11,
      toPosition: undefined,
    });
    expect(toHistoryFilter(historyQuery.parse({ from_position: '20', after: '10' })).fromPosition).toBe(20);
  });

  it('rejects unknown parameters and malformed types', () => {
    expect(historyQuery.safeParse({ types: 'X' }).success).toBe(false);
    expect(historyQuery.safeParse({ type: "x'; drop" }).success).toBe(false);
    expect(historyQuery.safeParse({ to: 'soon' }).success).toBe(false);
  });
});

let position = 0;
const event = (streamId: string, type: string, data: unknown, version = 1): StoredEvent => ({
  id: `e${++position}`,
  type,
  streamId,
  streamVersion: version,
  globalPosition: position,
  data,
  metadata: { correlationId: 'c', causationId: null, userId: 'u', schemaVersion: 1, occurredAt: '' },
  recordedAt: new Date(1_700_000_000_000 + position).toISOString(),
});

describe('project timeline', () => {
  const projectId = '11111111-1111-4111-8111-111111111111';
  const created = () =>
    event(`project-${projectId}`, 'ProjectCreated', {
      projectId,
      ownerId: 'owner',
      title: 'T',
      description: 'D',
      genre: 'G',
      targetEpisodes: 1,
      targetDurationSec: 60,
      createdAt: '2026-01-01T00:00:00.000Z',
    });
  const requested = (stream: string, kind: string) =>
    event(stream, 'DramaRequested', {
      dramaId: stream.slice(stream.indexOf('-') + 1),
      projectId,
      ownerId: 'owner',
      kind,
      request: { episodes: 1, scenesPerEpisode: 1, durationSec: 20 },
      requestedAt: '2026-01-01T00:00:01.000Z',
    });

  it('follows the newest drama only; a video task never changes the status', () => {
    const timeline = new ProjectTimeline();
    timeline.apply(created());
    expect(timeline.view()?.status).toBe('draft');
    timeline.apply(requested('drama-a', 'script_only'));
    expect(timeline.view()?.status).toBe('generating');
    timeline.apply(
      event('drama-a', 'DramaCompleted', { episodes: [], completedAt: '2026-01-01T00:00:02.000Z' }, 2),
    );
    expect(timeline.view()?.status).toBe('scripted');
    timeline.apply(requested('videotask-b', 'single_video'));
    timeline.apply(
      event('videotask-b', 'DramaFailed', { failedAt: 'x', stage: 'video', target: 'task', reason: 'r' }, 2),
    );
    expect(timeline.view()?.status).toBe('scripted');
    timeline.apply(requested('drama-c', 'drama'));
    timeline.apply(event('drama-a', 'DramaCancelled', { cancelledAt: 'x', by: 'owner', reason: 'r' }, 3));
    expect(timeline.view()?.status).toBe('generating');
  });

  it('has no view before the project was created or after it was deleted', () => {
    const timeline = new ProjectTimeline();
    expect(timeline.view()).toBeNull();
    timeline.apply(created());
    expect(timeline.view()).toMatchObject({ id: projectId, version: 1, title: 'T' });
    timeline.apply(
      event(
        `project-${projectId}`,
        'ProjectDeleted',
        { projectId, deletedAt: '2026-01-02T00:00:00.000Z' },
        2,
      ),
    );
    expect(timeline.view()).toBeNull();
  });
});
