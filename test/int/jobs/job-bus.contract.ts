import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type {
  JobBus,
  JobConsumer,
  JobControl,
  JobHandler,
  JobMessage,
} from '../../../src/application/ports/job-bus.port.js';
import type { Stage } from '../../../src/domain/drama/drama.types.js';

export interface BusOptions {
  /** Kafka: deliveries before the DLQ. */
  maxAttempts?: number;
  onDeadLetter?: (job: JobMessage, reason: string) => Promise<void>;
}

export interface JobBusFixture {
  /**
   * A new bus instance. Instances opened within one test share their queue (Kafka: same topics and
   * consumer groups, i.e. several worker processes); each test gets a fresh queue.
   */
  open(options?: BusOptions): Promise<JobBus>;
  /** Kafka only: the messages on the dead-letter topic of the current test, with their reason header. */
  deadLetters?: () => Promise<{ jobId: string; reason: string }[]>;
  /** A consumer that left without committing gets its jobs redelivered to another (Kafka); in-process loses them. */
  durable: boolean;
  /** Called before each test (e.g. a fresh topic prefix). */
  nextTest(): void;
}

let seq = 0;
export const job = (overrides: Partial<JobMessage> = {}): JobMessage => {
  const dramaId = overrides.dramaId ?? `d${++seq}-${randomUUID().slice(0, 8)}`;
  return {
    jobId: `job-${randomUUID()}`,
    streamId: `drama-${dramaId}`,
    dramaId,
    stage: 'images',
    target: 'scene-1',
    provider: 'local',
    attempt: 1,
    notBefore: null,
    leaseSec: 60,
    ...overrides,
  };
};

export async function until(check: () => boolean, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// First deliveries wait up to 60 s: on Kafka each test has fresh topics, and creating them and joining the
// consumer groups took over 20 s once in CI, and over 40 s once here with both cores taken by busy loops
// while another suite started its own broker. Each test may take 100 s.
const FIRST_DELIVERY_MS = 60_000;

/** Records what a consumer was handed; handlers wait on `gate` (or their abort signal) when asked to. */
class Recorder {
  readonly started: { job: JobMessage; at: number; control: JobControl }[] = [];
  readonly finished: string[] = [];
  readonly running = new Map<string, number>();
  maxConcurrentSameId = 0;
  private release: () => void = () => undefined;
  private gate: Promise<void> | null = null;
  private held: (job: JobMessage) => boolean = () => true;

  /** Handlers wait until `open()`: all of them, or only those of the jobs `only` picks. */
  hold(only: (job: JobMessage) => boolean = () => true): void {
    this.held = only;
    this.gate = new Promise((resolve) => (this.release = resolve));
  }
  open(): void {
    this.gate = null;
    this.release();
  }
  ids(): string[] {
    return this.started.map((s) => s.job.jobId);
  }

  handler(behaviour: (job: JobMessage) => 'ok' | 'throw' = () => 'ok'): JobHandler {
    return async (message, control) => {
      const n = (this.running.get(message.jobId) ?? 0) + 1;
      this.running.set(message.jobId, n);
      this.maxConcurrentSameId = Math.max(this.maxConcurrentSameId, n);
      this.started.push({ job: message, at: Date.now(), control });
      try {
        if (this.gate && this.held(message)) {
          const aborted = new Promise<void>((resolve) =>
            control.signal.addEventListener('abort', () => resolve(), { once: true }),
          );
          await Promise.race([this.gate, aborted]);
        }
        if (control.signal.aborted) return;
        if (behaviour(message) === 'throw') throw new Error(`handler exploded on ${message.jobId}`);
        this.finished.push(message.jobId);
      } finally {
        this.running.set(message.jobId, (this.running.get(message.jobId) ?? 1) - 1);
      }
    };
  }
}

/** One behavioural contract for every JobBus adapter (in-process, Kafka). */
export function jobBusContract(name: string, fixture: JobBusFixture): void {
  describe(`JobBus contract: ${name}`, () => {
    jest.setTimeout(100_000);
    const buses: JobBus[] = [];
    const consumers: JobConsumer[] = [];
    const open = async (options?: BusOptions) => {
      const bus = await fixture.open(options);
      buses.push(bus);
      return bus;
    };
    const consume = async (bus: JobBus, stages: Stage[], handler: JobHandler, concurrency = 4) => {
      const consumer = await bus.consume(stages, handler, { concurrency });
      consumers.push(consumer);
      return consumer;
    };

    beforeEach(() => fixture.nextTest());
    afterEach(async () => {
      await Promise.all(buses.splice(0).map((b) => b.close()));
      await Promise.all(consumers.splice(0).map((c) => c.stop()));
    });

    it('delivers a published job, intact, to a consumer of its stage and reports it in flight', async () => {
      const bus = await open();
      const rec = new Recorder();
      rec.hold();
      await consume(bus, ['images'], rec.handler());
      const sent = job({ notBefore: null, attempt: 2, provider: 'openai_images' });
      await bus.publish([sent]);
      await until(() => rec.started.length === 1, FIRST_DELIVERY_MS, 'delivery');
      expect(rec.started[0]!.job).toEqual(sent);
      expect(bus.inFlight().has(sent.jobId)).toBe(true);
      await expect(rec.started[0]!.control.heartbeat()).resolves.toBeUndefined();
      rec.open();
      await until(() => rec.finished.length === 1, 10_000, 'completion');
      await until(() => !bus.inFlight().has(sent.jobId), 5_000, 'in-flight cleared');
    });

    it('routes each job to the consumer of its stage only', async () => {
      const bus = await open();
      const images = new Recorder();
      const video = new Recorder();
      await consume(bus, ['images'], images.handler());
      await consume(bus, ['video', 'assemble'], video.handler());
      const a = job({ stage: 'images' });
      const b = job({ stage: 'video' });
      const c = job({ stage: 'assemble' });
      await bus.publish([a, b, c]);
      await until(
        () => images.finished.length + video.finished.length === 3,
        FIRST_DELIVERY_MS,
        'three jobs',
      );
      expect(images.finished).toEqual([a.jobId]);
      expect(video.finished.sort()).toEqual([b.jobId, c.jobId].sort());
    });

    it('never runs the same job id twice at once, even when it is published again while running', async () => {
      const bus = await open();
      const rec = new Recorder();
      rec.hold();
      await consume(bus, ['images'], rec.handler(), 4);
      const sent = job();
      await bus.publish([sent]);
      await until(() => rec.started.length === 1, FIRST_DELIVERY_MS, 'delivery');
      await bus.publish([sent]);
      await bus.publish([sent]);
      await sleep(1_000);
      expect(rec.maxConcurrentSameId).toBe(1);
      rec.open();
      await until(() => rec.finished.length >= 1, 10_000, 'completion');
      await sleep(1_000);
      expect(rec.maxConcurrentSameId).toBe(1);
    });

    it('holds a job until its notBefore without holding back the jobs of other dramas', async () => {
      const bus = await open();
      const rec = new Recorder();
      await consume(bus, ['video'], rec.handler(), 1);
      // Same partition key as far as possible: the delayed job must not block the next one.
      const delayed = job({ stage: 'video', notBefore: new Date(Date.now() + 2_500).toISOString() });
      const now = job({ stage: 'video' });
      const publishedAt = Date.now();
      await bus.publish([delayed, now]);
      await until(() => rec.finished.length === 2, FIRST_DELIVERY_MS, 'both jobs');
      expect(rec.finished).toEqual([now.jobId, delayed.jobId]);
      const delayedStart = rec.started.find((s) => s.job.jobId === delayed.jobId)!.at;
      expect(delayedStart).toBeGreaterThanOrEqual(Date.parse(delayed.notBefore!));
      expect(delayedStart - publishedAt).toBeLessThan(15_000);
    });

    it('cancelDrama aborts the running jobs of that drama and drops its delayed ones, not others', async () => {
      const bus = await open();
      const rec = new Recorder();
      rec.hold();
      await consume(bus, ['images'], rec.handler(), 4);
      const doomed = job();
      const other = job();
      const doomedLater = job({
        dramaId: doomed.dramaId,
        streamId: doomed.streamId,
        target: 'scene-2',
        notBefore: new Date(Date.now() + 1_500).toISOString(),
      });
      await bus.publish([doomed, other, doomedLater]);
      await until(() => rec.started.length === 2, FIRST_DELIVERY_MS, 'two deliveries');
      bus.cancelDrama(doomed.dramaId);
      const controls = new Map(rec.started.map((s) => [s.job.jobId, s.control]));
      expect(controls.get(doomed.jobId)!.signal.aborted).toBe(true);
      expect(controls.get(other.jobId)!.signal.aborted).toBe(false);
      rec.open();
      await until(() => rec.finished.includes(other.jobId), 10_000, 'the other drama');
      await sleep(3_000);
      expect(rec.ids()).not.toContain(doomedLater.jobId);
      expect(rec.finished).toEqual([other.jobId]);
    });

    it('starts a job published while another is running, without waiting for it to finish', async () => {
      const bus = await open();
      const rec = new Recorder();
      const long = job();
      rec.hold((j) => j.jobId === long.jobId);
      await consume(bus, ['images'], rec.handler(), 4);
      await bus.publish([long]);
      await until(() => rec.started.length === 1, FIRST_DELIVERY_MS, 'the long job');
      // Published later (another fetch from the broker): a worker with free slots runs it now.
      const later = [job(), job(), job()];
      await bus.publish(later);
      await until(() => later.every((j) => rec.finished.includes(j.jobId)), 20_000, 'the later jobs');
      expect(rec.finished).not.toContain(long.jobId);
      expect(bus.inFlight().has(long.jobId)).toBe(true);
      rec.open();
      await until(() => rec.finished.includes(long.jobId), 10_000, 'the long job to finish');
    });

    it('runs no more jobs at once than its concurrency; the others wait for a slot', async () => {
      const bus = await open();
      const rec = new Recorder();
      rec.hold();
      await consume(bus, ['images'], rec.handler(), 2);
      const first = [job(), job()];
      await bus.publish(first);
      await until(() => rec.started.length === 2, FIRST_DELIVERY_MS, 'two deliveries');
      const waiting = [job(), job()];
      await bus.publish(waiting);
      await sleep(1_500);
      expect(rec.started.length).toBe(2);
      rec.open();
      await until(() => rec.finished.length === 4, FIRST_DELIVERY_MS, 'all four');
      expect(rec.finished.sort()).toEqual([...first, ...waiting].map((j) => j.jobId).sort());
    }, 90_000);

    it('stop() lets the running job finish, then takes no more jobs', async () => {
      const bus = await open();
      const rec = new Recorder();
      rec.hold();
      const consumer = await consume(bus, ['images'], rec.handler());
      const first = job();
      await bus.publish([first]);
      await until(() => rec.started.length === 1, FIRST_DELIVERY_MS, 'delivery');
      let stopped = false;
      const stopping = consumer.stop().then(() => (stopped = true));
      await sleep(300);
      expect(stopped).toBe(false);
      rec.open();
      await stopping;
      expect(rec.finished).toEqual([first.jobId]);
      const second = job();
      await bus.publish([second]);
      await sleep(1_500);
      expect(rec.ids()).toEqual([first.jobId]);
    });

    if (fixture.durable) {
      it('redelivers, to another consumer, a job whose consumer went away without committing it', async () => {
        const a = await open();
        const b = await open();
        const stuck = new Recorder();
        stuck.hold(); // never opened: the job never finishes on `a`, and ignores nothing but the abort
        const rescuer = new Recorder();
        await consume(a, ['images'], stuck.handler());
        const sent = job();
        await a.publish([sent]);
        await until(() => stuck.started.length === 1, FIRST_DELIVERY_MS, 'first delivery');
        // `b` joins while `a` is mid-job, and `a` goes away: its job is aborted, its offset never committed.
        // (b's join completes once a has left the group: a member finishes its batch before it rejoins.)
        const joining = consume(b, ['images'], rescuer.handler());
        await a.close(0);
        await joining;
        await until(() => rescuer.finished.includes(sent.jobId), 30_000, 'redelivery to b');
        expect(stuck.finished).toEqual([]);
      });

      it('hands back a running job when its consumer goes away, even after later jobs of its partition finished', async () => {
        const a = await open();
        const b = await open();
        const stuck = new Recorder();
        const first = job();
        stuck.hold((j) => j.jobId === first.jobId); // never opened: `first` runs until `a` goes away
        const rescuer = new Recorder();
        await consume(a, ['images'], stuck.handler());
        await a.publish([first]);
        await until(() => stuck.started.length === 1, FIRST_DELIVERY_MS, 'first delivery');
        // Same drama, so the same partition, behind `first`: finished while `first` still runs. Its
        // offset must not be committed: that would commit `first` too, and nobody would run it again.
        const second = job({ dramaId: first.dramaId, streamId: first.streamId, target: 'scene-2' });
        await a.publish([second]);
        await until(() => stuck.finished.includes(second.jobId), 20_000, 'second finished on a');
        const joining = consume(b, ['images'], rescuer.handler());
        await a.close(0);
        await joining;
        await until(() => rescuer.finished.includes(first.jobId), 30_000, 'redelivery of first to b');
        expect(stuck.finished).toEqual([second.jobId]);
      });

      it('retries a job whose handler throws, and dead-letters it after maxAttempts with the reason', async () => {
        const deadLettered: { job: JobMessage; reason: string }[] = [];
        const bus = await open({
          maxAttempts: 2,
          onDeadLetter: async (j, reason) => {
            deadLettered.push({ job: j, reason });
          },
        });
        const rec = new Recorder();
        const flaky = job();
        const poison = job();
        let flakyCalls = 0;
        await consume(
          bus,
          ['images'],
          rec.handler((j) =>
            j.jobId === poison.jobId || (j.jobId === flaky.jobId && ++flakyCalls === 1) ? 'throw' : 'ok',
          ),
        );
        await bus.publish([flaky, poison]);
        await until(() => rec.started.length > 0, FIRST_DELIVERY_MS, 'first delivery');
        // At least once: a delivery handed out again by a rebalance may reach the DLQ a second time.
        await until(
          () => deadLettered.length >= 1 && rec.finished.includes(flaky.jobId),
          FIRST_DELIVERY_MS,
          'DLQ',
        );
        expect(new Set(deadLettered.map((d) => d.job.jobId))).toEqual(new Set([poison.jobId]));
        expect(deadLettered[0]!.reason).toContain(`handler exploded on ${poison.jobId}`);
        // At least once: a rebalance may hand a delivery out again, so "at least", never fewer.
        expect(rec.ids().filter((id) => id === poison.jobId).length).toBeGreaterThanOrEqual(2);
        expect(rec.ids().filter((id) => id === flaky.jobId).length).toBeGreaterThanOrEqual(2);
        const dlq = await fixture.deadLetters!();
        expect(dlq.length).toBeGreaterThanOrEqual(1);
        for (const entry of dlq) {
          expect(entry).toEqual({ jobId: poison.jobId, reason: expect.stringContaining('failed 2 times') });
        }
      }, 100_000);
    }
  });
}
