import { describe, expect, it } from '@jest/globals';
import type { DramaEvent } from '../../../src/domain/drama/drama.events.js';
import { type DramaState, evolveDrama, foldDrama } from '../../../src/domain/drama/drama.state.js';
import type { DramaRequest, JobSpec } from '../../../src/domain/drama/drama.types.js';

const T0 = Date.parse('2026-12-01T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const request = { kind: 'drama', episodes: 1, scenesPerEpisode: 1 } as unknown as DramaRequest;
const spec = (jobId: string, stage: JobSpec['stage'], target: string): JobSpec => ({
  jobId,
  stage,
  target,
  attempt: 1,
  provider: 'local',
  inputHash: `hash-${jobId}`,
  notBefore: null,
  leaseSec: 60,
});

/** One of every kind of drama event, touching the same jobs and maps several times. */
const history: DramaEvent[] = [
  {
    type: 'DramaRequested',
    data: { dramaId: 'd', projectId: 'p', ownerId: 'u', kind: 'drama', request, requestedAt: at(0) },
  },
  { type: 'JobScheduled', data: { ...spec('j1', 'images', 's1'), scheduledAt: at(1) } },
  { type: 'JobScheduled', data: { ...spec('j2', 'video', 's1'), scheduledAt: at(1) } },
  { type: 'JobStarted', data: { jobId: 'j1', worker: 'w', startedAt: at(2) } },
  { type: 'JobLeaseRenewed', data: { jobId: 'j1', worker: 'w', leaseUntil: at(100) } },
  { type: 'JobLeaseRenewed', data: { jobId: 'j1', worker: 'other', leaseUntil: at(500) } },
  { type: 'JobProgressed', data: { jobId: 'j1', progress: 0.5 } },
  {
    type: 'ExternalSubmissionStarted',
    data: { jobId: 'j1', provider: 'runway', callKey: 'c1', submissionId: 'sub1', startedAt: at(3) },
  },
  {
    type: 'ExternalTaskRecorded',
    data: {
      jobId: 'j1',
      provider: 'runway',
      taskId: 't1',
      recordedAt: at(4),
      callKey: 'c1',
      submissionId: 'sub1',
    },
  },
  {
    type: 'ExternalSubmissionStarted',
    data: { jobId: 'j1', provider: 'runway', callKey: 'c2', submissionId: 'sub2', startedAt: at(5) },
  },
  {
    type: 'ExternalSubmissionFailed',
    data: { jobId: 'j1', submissionId: 'sub2', reason: 'x', failedAt: at(6) },
  },
  { type: 'JobStarted', data: { jobId: 'j2', worker: 'w2', startedAt: at(6), leaseUntil: at(66) } },
  { type: 'JobReleased', data: { jobId: 'j2', worker: 'w2', reason: 'shutdown', releasedAt: at(7) } },
  {
    type: 'StageCompleted',
    data: {
      jobId: 'j1',
      stage: 'images',
      target: 's1',
      output: { stage: 'images', key: 'img.png' } as never,
      cached: false,
      provider: 'local',
      model: 'm',
      durationMs: 5,
      completedAt: at(8),
    },
  },
  { type: 'JobProgressed', data: { jobId: 'unknown', progress: 0.9 } },
  { type: 'DramaPaused', data: { pausedAt: at(9), by: 'u' } },
  { type: 'DramaResumed', data: { resumedAt: at(10), by: 'u' } },
  { type: 'JobStarted', data: { jobId: 'j2', worker: 'w3', startedAt: at(11) } },
  {
    type: 'StageFailed',
    data: {
      jobId: 'j2',
      stage: 'video',
      target: 's1',
      errorClass: 'permanent',
      message: 'no',
      attempt: 1,
      provider: 'local',
      failedAt: at(12),
    },
  },
  { type: 'DramaFailed', data: { stage: 'video', target: 's1', reason: 'no', failedAt: at(13) } },
  { type: 'SceneRegenerationRequested', data: { sceneId: 's1', revision: 1, requestedAt: at(14), by: 'u' } },
  { type: 'JobScheduled', data: { ...spec('j3', 'images', 's1'), scheduledAt: at(15) } },
  { type: 'SceneRerenderRequested', data: { sceneId: 's1', rerender: 1, reason: 'r', requestedAt: at(16) } },
  { type: 'DramaCompleted', data: { episodes: [], completedAt: at(17) } },
  { type: 'DramaCancelled', data: { cancelledAt: at(18), by: 'u', reason: 'r' } },
];

const oneByOne = (events: DramaEvent[], from: DramaState = { status: 'empty' }) =>
  events.reduce(evolveDrama, from);

/** Freezes a state all the way down: any later change to it throws (modules are strict). */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

describe('foldDrama', () => {
  it('folds a batch to exactly the state of evolving event by event, split at any point', () => {
    const expected = JSON.stringify(oneByOne(history));
    for (let split = 0; split <= history.length; split++) {
      const before = foldDrama({ status: 'empty' }, history.slice(0, split));
      expect(JSON.stringify(foldDrama(before, history.slice(split)))).toBe(expected);
    }
    // Every prefix, too (a projection writes the row after each batch).
    for (let end = 1; end <= history.length; end++) {
      expect(JSON.stringify(foldDrama({ status: 'empty' }, history.slice(0, end)))).toBe(
        JSON.stringify(oneByOne(history.slice(0, end))),
      );
    }
  });

  it('never changes the state it starts from, nor anything that state shares', () => {
    for (let split = 1; split < history.length; split++) {
      const before = deepFreeze(oneByOne(history.slice(0, split)));
      const snapshot = JSON.stringify(before);
      expect(() => foldDrama(before, history.slice(split))).not.toThrow();
      expect(() => history.slice(split).reduce(evolveDrama, before)).not.toThrow();
      expect(JSON.stringify(before)).toBe(snapshot);
    }
  });

  it('ignores a second DramaRequested and events before the first', () => {
    const [first, ...rest] = history;
    expect(foldDrama({ status: 'empty' }, rest)).toEqual({ status: 'empty' });
    expect(JSON.stringify(foldDrama({ status: 'empty' }, [first!, ...rest, first!]))).toBe(
      JSON.stringify(oneByOne(history)),
    );
  });
});
