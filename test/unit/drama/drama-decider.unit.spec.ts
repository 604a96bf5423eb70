import { describe, it } from '@jest/globals';
import { dramaDecider } from '../../../src/domain/drama/drama.decider.js';
import type { DramaEvent } from '../../../src/domain/drama/drama.events.js';
import type { DramaRequest, JobSpec } from '../../../src/domain/drama/drama.types.js';
import { deciderSpec } from '../../support/decider-spec.js';

const spec = deciderSpec(dramaDecider);
const T0 = '2026-12-01T10:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();

const request: DramaRequest = {
  kind: 'drama',
  resolution: '720p',
  title: 't',
  description: '',
  genre: '',
  episodes: 1,
  scenesPerEpisode: 1,
  episodeDurationSec: 10,
  prompt: 'p',
  aspectRatio: '16:9',
  useLocalLlm: true,
  providers: { video: 'runway', image: 'local', tts: 'local' },
};
const job: JobSpec = {
  jobId: 'job-1',
  stage: 'video',
  target: 'scene-1',
  attempt: 1,
  provider: 'runway',
  inputHash: 'h',
  notBefore: null,
  leaseSec: 60,
};
const requested: DramaEvent = {
  type: 'DramaRequested',
  data: { dramaId: 'd', projectId: 'p', ownerId: 'u', kind: 'drama', request, requestedAt: T0 },
};
const scheduled: DramaEvent = { type: 'JobScheduled', data: { ...job, scheduledAt: T0 } };
const startedBy = (worker: string, seconds: number): DramaEvent => ({
  type: 'JobStarted',
  data: { jobId: 'job-1', worker, startedAt: at(seconds), leaseUntil: at(seconds + 60) },
});

describe('drama decider: job leases', () => {
  it('a start records who holds the job and until when', () =>
    spec
      .given([requested, scheduled])
      .when({ type: 'StartJob', data: { jobId: 'job-1', worker: 'a', now: at(0) } })
      .then([startedBy('a', 0)]));

  it('refuses a second worker while the first one holds the lease', () =>
    spec
      .given([requested, scheduled, startedBy('a', 0)])
      .when({ type: 'StartJob', data: { jobId: 'job-1', worker: 'b', now: at(59) } })
      .thenThrows('JOB.NOT_RUNNABLE'));

  it('lets another worker take the job once the lease ran out', () =>
    spec
      .given([requested, scheduled, startedBy('a', 0)])
      .when({ type: 'StartJob', data: { jobId: 'job-1', worker: 'b', now: at(61) } })
      .then([startedBy('b', 61)]));

  it('a renewed lease keeps the job from others', () =>
    spec
      .given([
        requested,
        scheduled,
        startedBy('a', 0),
        { type: 'JobLeaseRenewed', data: { jobId: 'job-1', worker: 'a', leaseUntil: at(100) } },
      ])
      .when({ type: 'StartJob', data: { jobId: 'job-1', worker: 'b', now: at(90) } })
      .thenThrows('JOB.NOT_RUNNABLE'));

  it('a lease started before leases were recorded lasts startedAt + leaseSec', () =>
    spec
      .given([
        requested,
        scheduled,
        { type: 'JobStarted', data: { jobId: 'job-1', worker: 'a', startedAt: at(0) } },
      ])
      .when({ type: 'StartJob', data: { jobId: 'job-1', worker: 'b', now: at(30) } })
      .thenThrows('JOB.NOT_RUNNABLE'));

  it('takeover (the embedded single process after a restart) starts a job whose lease still runs', () =>
    spec
      .given([requested, scheduled, startedBy('a', 0)])
      .when({ type: 'StartJob', data: { jobId: 'job-1', worker: 'b', takeover: true, now: at(5) } })
      .then([startedBy('b', 5)]));

  it('renews the holder and refuses a worker that lost the job', () => {
    spec
      .given([requested, scheduled, startedBy('a', 0)])
      .when({ type: 'RenewJobLease', data: { jobId: 'job-1', worker: 'a', now: at(20) } })
      .then([{ type: 'JobLeaseRenewed', data: { jobId: 'job-1', worker: 'a', leaseUntil: at(80) } }]);
    spec
      .given([requested, scheduled, startedBy('a', 0), startedBy('b', 70)])
      .when({ type: 'RenewJobLease', data: { jobId: 'job-1', worker: 'a', now: at(75) } })
      .thenThrows('JOB.NOT_RUNNABLE');
  });

  it('a graceful hand-back opens the job at once for any worker', () => {
    const released: DramaEvent = {
      type: 'JobReleased',
      data: { jobId: 'job-1', worker: 'a', reason: 'worker shutting down', releasedAt: at(10) },
    };
    spec
      .given([requested, scheduled, startedBy('a', 0)])
      .when({
        type: 'ReleaseJob',
        data: { jobId: 'job-1', worker: 'a', reason: 'worker shutting down', now: at(10) },
      })
      .then([released]);
    spec
      .given([requested, scheduled, startedBy('a', 0), released])
      .when({ type: 'StartJob', data: { jobId: 'job-1', worker: 'b', now: at(11) } })
      .then([startedBy('b', 11)]);
    // Only the holder can hand a job back.
    spec
      .given([requested, scheduled, startedBy('b', 0)])
      .when({ type: 'ReleaseJob', data: { jobId: 'job-1', worker: 'a', reason: 'x', now: at(1) } })
      .then([]);
  });
});

describe('drama decider: paid calls', () => {
  const submitted: DramaEvent = {
    type: 'ExternalSubmissionStarted',
    data: { jobId: 'job-1', provider: 'runway', callKey: 'clip:1', submissionId: 's1', startedAt: at(1) },
  };

  it('records a submission before it is sent, once per submission id', () => {
    spec
      .given([requested, scheduled, startedBy('a', 0)])
      .when({
        type: 'RecordExternalSubmission',
        data: { jobId: 'job-1', provider: 'runway', callKey: 'clip:1', submissionId: 's1', now: at(1) },
      })
      .then([submitted]);
    spec
      .given([requested, scheduled, startedBy('a', 0), submitted])
      .when({
        type: 'RecordExternalSubmission',
        data: { jobId: 'job-1', provider: 'runway', callKey: 'clip:1', submissionId: 's1', now: at(2) },
      })
      .then([]);
  });

  it('records the task id with its call, and a refusal only for a submission still open', () => {
    spec
      .given([requested, scheduled, startedBy('a', 0), submitted])
      .when({
        type: 'RecordExternalTask',
        data: {
          jobId: 'job-1',
          provider: 'runway',
          taskId: 't1',
          callKey: 'clip:1',
          submissionId: 's1',
          now: at(2),
        },
      })
      .then([
        {
          type: 'ExternalTaskRecorded',
          data: {
            jobId: 'job-1',
            provider: 'runway',
            taskId: 't1',
            recordedAt: at(2),
            callKey: 'clip:1',
            submissionId: 's1',
          },
        },
      ]);
    spec
      .given([requested, scheduled, startedBy('a', 0), submitted])
      .when({
        type: 'FailExternalSubmission',
        data: { jobId: 'job-1', submissionId: 's1', reason: '400 bad ratio', now: at(2) },
      })
      .then([
        {
          type: 'ExternalSubmissionFailed',
          data: { jobId: 'job-1', submissionId: 's1', reason: '400 bad ratio', failedAt: at(2) },
        },
      ]);
    spec
      .given([
        requested,
        scheduled,
        startedBy('a', 0),
        submitted,
        {
          type: 'ExternalTaskRecorded',
          data: {
            jobId: 'job-1',
            provider: 'runway',
            taskId: 't1',
            recordedAt: at(2),
            callKey: 'clip:1',
            submissionId: 's1',
          },
        },
      ])
      .when({
        type: 'FailExternalSubmission',
        data: { jobId: 'job-1', submissionId: 's1', reason: 'x', now: at(3) },
      })
      .then([]);
  });
});
