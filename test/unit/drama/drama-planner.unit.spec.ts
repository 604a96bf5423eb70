import { describe, expect, it } from '@jest/globals';
import { slot } from '../../../src/domain/drama/drama.state.js';
import { DramaHarness, deps, NOW, OWNER, request } from './drama-harness.js';

const scheduled = (h: DramaHarness) =>
  h.events.filter((e) => e.type === 'JobScheduled').map((e) => (e.type === 'JobScheduled' ? e.data : null)!);

describe('drama process manager (planNext)', () => {
  it('starts with the script, then the cast, then the storyboard, then fans images out to every scene', () => {
    const h = new DramaHarness();
    h.settle();
    expect(h.openJobs().map((j) => [j.stage, j.target, j.provider, j.attempt])).toEqual([
      ['script', 'drama', 'auto-local', 1],
    ]);
    h.complete(h.openJobs()[0]!);
    h.settle();
    expect(h.openJobs().map((j) => [j.stage, j.target, j.provider])).toEqual([['cast', 'drama', 'local']]);
    h.complete(h.openJobs()[0]!);
    h.settle();
    expect(h.openJobs().map((j) => j.stage)).toEqual(['storyboard']);
    h.complete(h.openJobs()[0]!);
    h.settle();
    expect(
      h
        .openJobs()
        .map((j) => `${j.stage}:${j.target}`)
        .sort(),
    ).toEqual(['images:s-1-1', 'images:s-1-2', 'images:s-2-1', 'images:s-2-2']);
  });

  it('waits for every scene of a stage before starting the next (barrier)', () => {
    const h = new DramaHarness();
    h.completeAll(3); // script, cast, storyboard
    h.settle();
    const images = h.openJobs();
    h.complete(images[0]!);
    h.complete(images[1]!);
    expect(h.plan()).toEqual([]);
    h.complete(images[2]!);
    h.complete(images[3]!);
    h.settle();
    expect(h.openJobs().every((j) => j.stage === 'video')).toBe(true);
    expect(h.openJobs()).toHaveLength(4);
  });

  describe('review and assembly start as soon as their own inputs exist (no stage barrier)', () => {
    /** Given a drama whose four scene videos are all rendering. */
    const rendering = () => {
      const h = new DramaHarness();
      h.completeAll(4); // script, cast, storyboard, images
      h.settle();
      const job = (stage: string, target: string) =>
        h.openJobs().find((j) => j.stage === stage && j.target === target);
      return { h, job };
    };
    const open = (h: DramaHarness) =>
      h
        .openJobs()
        .map((j) => `${j.stage}:${j.target}`)
        .sort();

    it("given videos rendering, when one scene's video is done, then that scene's review starts alone", () => {
      const { h, job } = rendering();
      expect(open(h)).toEqual(['video:s-1-1', 'video:s-1-2', 'video:s-2-1', 'video:s-2-2']);
      h.complete(job('video', 's-2-1')!);
      h.settle();
      expect(open(h)).toEqual(['review:s-2-1', 'video:s-1-1', 'video:s-1-2', 'video:s-2-2']);
    });

    it("given episode 1's scenes reviewed, when episode 2 still renders, then episode 1 is assembled", () => {
      const { h, job } = rendering();
      h.complete(job('video', 's-1-1')!);
      h.settle();
      h.complete(job('review', 's-1-1')!);
      h.settle();
      expect(open(h)).toEqual(['video:s-1-2', 'video:s-2-1', 'video:s-2-2']); // ep 1 waits for s-1-2
      h.complete(job('video', 's-1-2')!);
      h.settle();
      expect(open(h)).toEqual(['review:s-1-2', 'video:s-2-1', 'video:s-2-2']);
      h.complete(job('review', 's-1-2')!);
      h.settle();
      expect(open(h)).toEqual(['assemble:ep-1', 'video:s-2-1', 'video:s-2-2']);
      h.complete(job('assemble', 'ep-1')!);
      h.settle();
      expect(h.state.status).toBe('running'); // done only when every episode is
      h.completeAll();
      expect(h.state.status).toBe('completed');
      expect(scheduled(h).filter((j) => j.stage === 'assemble')).toHaveLength(2);
    });

    it('given a review that fails a quality check, then only its scene re-renders and its episode waits for it', () => {
      const { h, job } = rendering();
      for (const target of ['s-1-1', 's-1-2', 's-2-1']) h.complete(job('video', target)!);
      h.settle();
      h.complete(job('review', 's-1-1')!);
      h.fail(job('review', 's-1-2')!, 'permanent', 'black picture for 40 s from 0 s');
      h.settle();
      // the scene is rendered again; its old video does not count, so episode 1 is not assembled
      expect(h.state.rerenders['s-1-2']).toBe(1);
      expect(open(h)).toEqual(['review:s-2-1', 'video:s-1-2', 'video:s-2-2']);
      h.complete(job('video', 's-1-2')!);
      h.settle();
      h.complete(job('review', 's-1-2')!);
      h.settle();
      expect(open(h)).toEqual(['assemble:ep-1', 'review:s-2-1', 'video:s-2-2']);
      const reviews = scheduled(h).filter((j) => j.stage === 'review' && j.target === 's-1-2');
      expect(reviews).toHaveLength(2);
      expect(reviews[0]!.inputHash).not.toEqual(reviews[1]!.inputHash); // the second reviews the new clip
    });

    it('given the same events, when replayed, then the plan is the same and schedules nothing twice', () => {
      const { h, job } = rendering();
      h.complete(job('video', 's-1-1')!);
      h.complete(job('video', 's-2-2')!);
      h.settle();
      h.complete(job('review', 's-2-2')!);
      const replayed = new DramaHarness();
      replayed.events = [...h.events];
      expect(replayed.plan()).toEqual(h.plan());
      h.settle();
      replayed.settle();
      expect(replayed.events).toEqual(h.events);
      // planning again after settling adds nothing: job ids are deterministic and already scheduled
      expect(h.plan().flatMap((c) => h.run(c))).toEqual([]);
    });
  });

  it('runs every stage to a completed drama with one episode per request', () => {
    const h = new DramaHarness();
    h.completeAll();
    expect(h.state.status).toBe('completed');
    expect(h.state.episodes.map((e) => e.episode)).toEqual([1, 2]);
    const stages = scheduled(h).map((j) => j.stage);
    expect(stages.filter((s) => s === 'video')).toHaveLength(4);
    expect(stages.filter((s) => s === 'review')).toHaveLength(4);
    expect(stages.filter((s) => s === 'assemble')).toHaveLength(2);
  });

  it('is idempotent: planning again schedules nothing twice, and a repeated completion is a no-op', () => {
    const h = new DramaHarness();
    h.settle();
    const again = h.plan();
    expect(again.flatMap((c) => h.run(c))).toEqual([]);
    const job = h.openJobs()[0]!;
    expect(h.complete(job)).toHaveLength(1);
    expect(
      h.run({
        type: 'CompleteStage',
        data: {
          jobId: job.jobId,
          output: h.outputFor(job),
          cached: false,
          provider: 'x',
          model: 'm',
          durationMs: 1,
          now: NOW,
        },
      }),
    ).toEqual([]);
  });

  it('retries a transient failure with growing, jittered backoff, then falls back, then fails with a reason', () => {
    const h = new DramaHarness(request({ providers: { video: 'runway', image: 'local', tts: 'local' } }));
    h.completeAll(4); // script, cast, storyboard, images: the videos are next
    h.settle();
    const firstVideo = () => h.openJobs().find((j) => j.stage === 'video' && j.target === 's-1-1')!;
    expect(firstVideo().provider).toBe('runway+local');
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const job = firstVideo();
      expect([job.provider, job.attempt]).toEqual(['runway+local', attempt]);
      h.fail(job, 'transient', 'runway: 503 upstream busy');
      h.settle();
      const next = firstVideo();
      if (next.provider === 'runway+local') delays.push(Date.parse(next.notBefore!) - Date.parse(NOW));
    }
    expect(delays).toHaveLength(2);
    expect(delays[0]).toBeGreaterThanOrEqual(1500);
    expect(delays[1]).toBeGreaterThan(delays[0]!);
    // attempts exhausted: the next provider in the chain, from attempt 1
    expect([firstVideo().provider, firstVideo().attempt, firstVideo().notBefore]).toEqual([
      'local+local',
      1,
      null,
    ]);
    h.fail(firstVideo(), 'permanent', 'ffmpeg: invalid filter');
    h.settle();
    expect(h.state.status).toBe('failed');
    expect(h.state.failure!.stage).toBe('video');
    expect(h.state.failure!.reason).toMatch(/video for episode 1 scene 1 .* failed after 4 attempt\(s\)/);
    expect(h.state.failure!.reason).toContain('runway+local, local+local');
    expect(h.state.failure!.reason).toContain('ffmpeg: invalid filter');
  });

  it('falls back at once on a permanent failure', () => {
    const h = new DramaHarness(request({ providers: { video: 'local', image: 'wanx', tts: 'local' } }));
    h.completeAll(3);
    h.settle();
    const job = h.openJobs().find((j) => j.target === 's-1-2')!;
    expect(job.provider).toBe('wanx');
    h.fail(job, 'permanent', 'wanx: InvalidApiKey');
    h.settle();
    const next = h.openJobs().find((j) => j.target === 's-1-2')!;
    expect([next.stage, next.provider, next.attempt]).toEqual(['images', 'local', 1]);
  });

  it('re-renders a scene once when its review fails a quality check, then fails the drama', () => {
    const h = new DramaHarness();
    h.completeAll(5);
    h.settle();
    const review = () => h.openJobs().find((j) => j.stage === 'review' && j.target === 's-2-1');
    for (const job of h.openJobs().filter((j) => j.target !== 's-2-1')) h.complete(job);
    h.fail(review()!, 'permanent', 'duration 27.9 s, planned 30 s ± 0.5');
    h.settle();
    const rerender = h.openJobs().find((j) => j.target === 's-2-1')!;
    expect(rerender.stage).toBe('video');
    h.complete(rerender);
    h.settle();
    h.fail(review()!, 'permanent', 'duration 27.9 s, planned 30 s ± 0.5');
    h.settle();
    expect(h.state.status).toBe('failed');
    expect(h.state.failure!.reason).toContain('review for episode 2 scene 1');
  });

  it('retries a review that could not run (transient) instead of failing the drama', () => {
    const h = new DramaHarness();
    h.completeAll(5);
    h.settle();
    const review = h.openJobs().find((j) => j.stage === 'review')!;
    h.fail(review, 'transient', 'moderation service timed out');
    h.settle();
    const retry = h.openJobs().find((j) => j.stage === 'review' && j.target === review.target)!;
    expect([retry.attempt, h.state.status]).toEqual([2, 'running']);
    expect(h.state.rerenders[review.target]).toBeUndefined();
  });

  it('fails the drama at once when review finds forbidden content', () => {
    const h = new DramaHarness();
    h.completeAll(5);
    h.settle();
    h.fail(
      h.openJobs().find((j) => j.stage === 'review')!,
      'moderation',
      'subtitles contain a banned word',
    );
    h.settle();
    expect(h.state.status).toBe('failed');
    expect(h.state.failure!.reason).toMatch(/content check/);
  });

  it('schedules nothing while paused and continues after resume; cancel stops for good', () => {
    const h = new DramaHarness();
    h.settle();
    const script = h.openJobs()[0]!;
    h.run({ type: 'StartJob', data: { jobId: script.jobId, worker: 'w', now: NOW } });
    h.run({ type: 'PauseDrama', data: { actorId: OWNER, now: NOW } });
    // a job that was already running may still finish while paused
    h.run({
      type: 'CompleteStage',
      data: {
        jobId: script.jobId,
        output: h.outputFor(script),
        cached: false,
        provider: 'x',
        model: 'm',
        durationMs: 1,
        now: NOW,
      },
    });
    expect(h.plan()).toEqual([]);
    h.run({ type: 'ResumeDrama', data: { actorId: OWNER, now: NOW } });
    h.settle();
    const [storyboard] = h.openJobs();
    expect(storyboard?.stage).toBe('cast');
    h.run({ type: 'CancelDrama', data: { actorId: OWNER, reason: 'changed my mind', now: NOW } });
    expect(h.plan()).toEqual([]);
    expect(h.openJobs()).toEqual([]); // a cancelled drama has no job a worker may take
    expect(() =>
      h.run({ type: 'StartJob', data: { jobId: storyboard!.jobId, worker: 'w', now: NOW } }),
    ).toThrow(expect.objectContaining({ code: 'JOB.NOT_RUNNABLE' }) as never);
  });

  it("refuses another user's pause, resume, cancel or regenerate as not found", () => {
    const h = new DramaHarness();
    for (const type of ['PauseDrama', 'ResumeDrama', 'CancelDrama'] as const) {
      expect(() => h.run({ type, data: { actorId: 'intruder', reason: 'x', now: NOW } } as never)).toThrow(
        expect.objectContaining({ code: 'DRAMA.NOT_FOUND' }) as never,
      );
    }
  });

  it('regenerating one scene re-runs only that scene and its episode', () => {
    const h = new DramaHarness();
    h.completeAll();
    const before = scheduled(h).length;
    const outputsBefore = { ...h.state.outputs };
    h.run({ type: 'RegenerateScene', data: { actorId: OWNER, sceneId: 's-2-2', now: NOW } });
    expect(h.state.status).toBe('running');
    h.completeAll();
    expect(h.state.status).toBe('completed');
    const rerun = scheduled(h)
      .slice(before)
      .map((j) => `${j.stage}:${j.target}`);
    expect(rerun).toEqual(['images:s-2-2', 'video:s-2-2', 'review:s-2-2', 'assemble:ep-2']);
    expect(h.state.outputs[slot('assemble', 'ep-1')]).toEqual(outputsBefore[slot('assemble', 'ep-1')]);
    expect(h.events.filter((e) => e.type === 'DramaCompleted')).toHaveLength(2);
  });

  it('ignores the result of a superseded job', () => {
    const h = new DramaHarness();
    h.completeAll(3);
    h.settle();
    const old = h.openJobs().find((j) => j.target === 's-1-1')!;
    h.fail(old, 'transient');
    h.settle();
    expect(h.openJobs().find((j) => j.target === 's-1-1')!.attempt).toBe(2);
    const late = h.run({
      type: 'CompleteStage',
      data: {
        jobId: old.jobId,
        output: h.outputFor(old),
        cached: false,
        provider: 'local',
        model: 'm',
        durationMs: 1,
        now: NOW,
      },
    });
    expect(late).toEqual([]);
    expect(() => h.run({ type: 'StartJob', data: { jobId: old.jobId, worker: 'w', now: NOW } })).toThrow(
      expect.objectContaining({ code: 'JOB.NOT_RUNNABLE' }) as never,
    );
  });

  it('produces the same plan for the same state (pure and deterministic)', () => {
    const a = new DramaHarness();
    const b = new DramaHarness();
    a.completeAll(4);
    b.completeAll(4);
    expect(a.plan()).toEqual(b.plan());
    expect(a.events).toEqual(b.events);
  });

  it('stops a script_only drama after the storyboard', () => {
    const h = new DramaHarness(request({ kind: 'script_only' }));
    h.completeAll();
    expect(h.state.status).toBe('completed');
    expect(scheduled(h).map((j) => j.stage)).toEqual(['script', 'storyboard']);
  });

  it('renders a single_video task as one video job with retries and fallback', () => {
    const h = new DramaHarness(
      request({
        kind: 'single_video',
        providers: { video: 'pika', image: 'local', tts: 'local' },
        single: {
          sceneRef: 'scene-1',
          script: '北京办公室，程序员正在工作',
          imageUrl: null,
          durationSec: 30,
        },
      }),
      deps({ retry: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 10 } }),
    );
    h.settle();
    const job = h.openJobs()[0]!;
    expect([job.stage, job.target, job.provider]).toEqual(['video', 'task', 'pika+local']);
    h.fail(job, 'transient');
    h.settle();
    expect(h.openJobs()[0]!.provider).toBe('local+local');
    h.completeAll();
    expect(h.state.status).toBe('completed');
  });
});
