import { afterEach, describe, expect, it } from '@jest/globals';
import type { JobMessage } from '../../../src/application/ports/job-bus.port.js';
import { InProcessJobBus } from '../../../src/infrastructure/jobs/in-process.job-bus.js';
import { testLogger } from '../../support/logger.js';

const job = (ownerId: string | undefined, n: number, extra: Partial<JobMessage> = {}): JobMessage => ({
  jobId: `${ownerId ?? 'anon'}-${n}`,
  streamId: `drama-${ownerId ?? 'anon'}-d`,
  dramaId: `${ownerId ?? 'anon'}-d`,
  ...(ownerId ? { ownerId } : {}),
  stage: 'video',
  target: `scene-${n}`,
  provider: 'local',
  attempt: 1,
  notBefore: null,
  leaseSec: 60,
  ...extra,
});

/** One worker that runs jobs only when the test says so, recording the order they started in. */
async function gatedWorker(bus: InProcessJobBus, concurrency = 1) {
  const started: string[] = [];
  const gates = new Map<string, () => void>();
  await bus.consume(
    ['video'],
    (message, control) =>
      new Promise<void>((resolve) => {
        started.push(message.jobId);
        gates.set(message.jobId, resolve);
        control.signal.addEventListener('abort', () => resolve());
      }),
    { concurrency },
  );
  const finish = async (jobId: string) => {
    gates.get(jobId)!();
    await new Promise((resolve) => setImmediate(resolve));
  };
  /** Lets every job run to the end, one at a time, until none is left. */
  const drain = async () => {
    for (let i = 0; i < started.length; i++) await finish(started[i]!);
  };
  return { started, finish, drain };
}

describe('the in-process job bus shares workers between users', () => {
  let bus: InProcessJobBus;
  afterEach(async () => bus?.close(0));

  it("starts another user's single job next, however long the first user's backlog is", async () => {
    bus = new InProcessJobBus(testLogger());
    const worker = await gatedWorker(bus);
    await bus.publish(Array.from({ length: 50 }, (_, i) => job('alice', i)));
    await bus.publish([job('bob', 0)]);
    expect(worker.started).toEqual(['alice-0']);
    await worker.finish('alice-0');
    expect(worker.started).toEqual(['alice-0', 'bob-0']);
    await worker.drain();
    expect(worker.started).toHaveLength(51);
  });

  it('takes users in turn and keeps each user in their own order', async () => {
    bus = new InProcessJobBus(testLogger());
    const worker = await gatedWorker(bus);
    await bus.publish([job('a', 0), job('a', 1), job('a', 2), job('a', 3)]);
    await bus.publish([job('b', 0), job('b', 1)]);
    await bus.publish([job('c', 0)]);
    await worker.drain();
    expect(worker.started).toEqual(['a-0', 'b-0', 'c-0', 'a-1', 'b-1', 'a-2', 'a-3']);
  });

  it('gives a job that is not due yet no turn, and starts it once it is', async () => {
    bus = new InProcessJobBus(testLogger());
    const worker = await gatedWorker(bus);
    const later = new Date(Date.now() + 150).toISOString();
    await bus.publish([job('a', 0, { notBefore: later }), job('b', 0)]);
    expect(worker.started).toEqual(['b-0']);
    await worker.finish('b-0');
    expect(worker.started).toEqual(['b-0']);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(worker.started).toEqual(['b-0', 'a-0']);
    await worker.finish('a-0');
  });

  it('ignores a job published twice, and drops a cancelled drama from its user queue', async () => {
    bus = new InProcessJobBus(testLogger());
    const worker = await gatedWorker(bus);
    await bus.publish([job('a', 0), job('a', 1), job('a', 1)]);
    await bus.publish([job('b', 0, { dramaId: 'b-other' }), job('b', 1)]);
    bus.cancelDrama('b-d');
    expect([...bus.inFlight()].sort()).toEqual(['a-0', 'a-1', 'b-0']);
    await worker.drain();
    expect(worker.started).toEqual(['a-0', 'b-0', 'a-1']);
  });

  it('shares by drama when a message names no user (older producers)', async () => {
    bus = new InProcessJobBus(testLogger());
    const worker = await gatedWorker(bus);
    await bus.publish([
      job(undefined, 0, { dramaId: 'x', jobId: 'x0' }),
      job(undefined, 1, { dramaId: 'x', jobId: 'x1' }),
    ]);
    await bus.publish([job(undefined, 0, { dramaId: 'y', jobId: 'y0' })]);
    await worker.drain();
    expect(worker.started).toEqual(['x0', 'y0', 'x1']);
  });
});
