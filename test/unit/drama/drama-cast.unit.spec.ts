import { describe, expect, it } from '@jest/globals';
import { hasCastStep } from '../../../src/domain/drama/drama.cast.js';
import { dramaDecider } from '../../../src/domain/drama/drama.decider.js';
import type { DramaEvent } from '../../../src/domain/drama/drama.events.js';
import { summarizeDrama } from '../../../src/domain/drama/drama.progress.js';
import { slot } from '../../../src/domain/drama/drama.state.js';
import type { CastOutput, JobSpec, StageOutput } from '../../../src/domain/drama/drama.types.js';
import { deciderSpec } from '../../support/decider-spec.js';
import { DramaHarness, NOW, request } from './drama-harness.js';

const scheduled = (h: DramaHarness) => h.events.flatMap((e) => (e.type === 'JobScheduled' ? [e.data] : []));

/** What the planner before the cast step wrote: the same job ids and input hashes, without a cast. */
function legacySchedule(h: DramaHarness, stage: 'storyboard' | 'images', targets: string[]): void {
  const d = h.plannerDeps;
  const input = (target: string) =>
    stage === 'storyboard'
      ? { stage, script: 'script-hash', aspect: h.req.aspectRatio }
      : {
          stage,
          scene: `scene-${target.slice(2)}`,
          shots: undefined,
          aspect: h.req.aspectRatio,
          revision: 0,
        };
  const jobs: JobSpec[] = targets.map((target) => {
    const inputHash = d.hash(input(target));
    return {
      jobId: d.jobId(['d-1', stage, target, inputHash, 'local', '1']),
      stage,
      target,
      attempt: 1,
      provider: 'local',
      inputHash,
      notBefore: null,
      leaseSec: 600,
    };
  });
  h.run({ type: 'ScheduleJobs', data: { jobs, now: NOW } });
}

const SCENES = ['s-1-1', 's-1-2', 's-2-1', 's-2-2'];

describe('the cast step', () => {
  it('runs once per drama after the script, with the image provider first and the offline portraits last', () => {
    const h = new DramaHarness();
    h.completeAll(1);
    h.settle();
    expect(h.openJobs().map((j) => [j.stage, j.target, j.provider])).toEqual([['cast', 'drama', 'local']]);

    const cloud = new DramaHarness(request({ providers: { video: 'local', image: 'wanx', tts: 'local' } }));
    cloud.completeAll(1);
    cloud.settle();
    const cast = cloud.openJobs()[0]!;
    expect([cast.stage, cast.provider]).toEqual(['cast', 'wanx']);
    cloud.fail(cast, 'permanent', 'wanx: InvalidApiKey');
    cloud.settle();
    expect(cloud.openJobs().map((j) => [j.stage, j.provider])).toEqual([['cast', 'local']]);
  });

  it("makes every scene's pictures and voices wait for the cast and depend on it", () => {
    const h = new DramaHarness();
    h.completeAll();
    expect(h.state.status).toBe('completed');
    const jobs = scheduled(h);
    const castAt = jobs.findIndex((j) => j.stage === 'cast');
    expect(jobs.filter((j) => j.stage === 'cast')).toHaveLength(1);
    expect(jobs.findIndex((j) => j.stage === 'images')).toBeGreaterThan(castAt);
    const castHash = h.state.outputs[slot('cast', 'drama')]!.output.hash;
    for (const job of jobs.filter((j) => j.stage === 'images' || j.stage === 'video')) {
      expect(JSON.parse(job.inputHash)).toMatchObject({ cast: castHash });
    }
    expect(summarizeDrama(h.state).stages.map((s) => s.name)).toContain('cast');
  });

  it('a drama recorded before the cast step, already at its images, replays and finishes without a cast', () => {
    const h = new DramaHarness();
    h.completeAll(1); // the script
    // What the old planner wrote (there was no cast step): the storyboard, then the images.
    legacySchedule(h, 'storyboard', ['drama']);
    h.complete(h.openJobs()[0]!);
    legacySchedule(h, 'images', SCENES);
    const images = h.openJobs();
    h.complete(images[0]!);
    h.complete(images[1]!);
    expect(hasCastStep(h.state)).toBe(false);
    const before = scheduled(h).length;

    // Replayed by the new planner: the images in flight are kept, nothing is redone, no cast appears.
    expect(h.plan()).toEqual([]);
    h.completeAll();
    expect(h.state.status).toBe('completed');
    const after = scheduled(h).slice(before);
    expect(after.filter((j) => j.stage === 'cast' || j.stage === 'images')).toEqual([]);
    expect(after.filter((j) => j.stage === 'video')).toHaveLength(4);
    expect(summarizeDrama(h.state).stages.map((s) => s.name)).not.toContain('cast');
    expect(summarizeDrama(h.state).progress).toBe(100);
  });

  it('a drama recorded before the cast step, still at its storyboard, gets its cast before its images', () => {
    const h = new DramaHarness();
    h.completeAll(1);
    legacySchedule(h, 'storyboard', ['drama']);
    const storyboard = h.openJobs()[0]!;
    expect(hasCastStep(h.state)).toBe(true);
    h.settle();
    expect(
      h
        .openJobs()
        .map((j) => j.stage)
        .sort(),
    ).toEqual(['cast', 'storyboard']);
    h.completeAll();
    expect(h.state.status).toBe('completed');
    // The old storyboard job's result counted: it was not scheduled again.
    expect(
      scheduled(h)
        .filter((j) => j.stage === 'storyboard')
        .map((j) => j.jobId),
    ).toEqual([storyboard.jobId]);
  });
});

describe('drama decider: the cast result', () => {
  const spec = deciderSpec(dramaDecider);
  const h = new DramaHarness();
  h.completeAll(1);
  h.settle();
  const castJob = h.openJobs()[0]!;
  const output: CastOutput = {
    stage: 'cast',
    characters: [
      {
        name: '林晓',
        gender: 'female',
        voice: 'zh-female-1',
        description: '黑色长波浪发，皮肤白皙，身穿珊瑚红上衣的年轻女性',
        portraitKey: 'dramas/d-1/cast/portrait-abc.png',
        portraitType: 'image/png',
      },
    ],
    hash: 'cast-1',
  };
  const started: DramaEvent = {
    type: 'JobStarted',
    data: { jobId: castJob.jobId, worker: 'w', startedAt: NOW, leaseUntil: NOW },
  };
  const completed = (o: StageOutput): DramaEvent => ({
    type: 'StageCompleted',
    data: {
      jobId: castJob.jobId,
      stage: 'cast',
      target: 'drama',
      output: o,
      cached: false,
      provider: 'local',
      model: 'open-peeps-9.4.3',
      durationMs: 5,
      completedAt: NOW,
    },
  });

  it('records the cast as the stage output of its job, once', () => {
    const command = {
      type: 'CompleteStage' as const,
      data: {
        jobId: castJob.jobId,
        output,
        cached: false,
        provider: 'local',
        model: 'open-peeps-9.4.3',
        durationMs: 5,
        now: NOW,
      },
    };
    spec
      .given([...h.events, started])
      .when(command)
      .then([completed(output)]);
    spec
      .given([...h.events, started, completed(output)])
      .when(command)
      .then([]);
  });
});
