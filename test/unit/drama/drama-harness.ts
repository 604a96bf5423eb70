import { dramaDecider } from '../../../src/domain/drama/drama.decider.js';
import type { DramaCommand } from '../../../src/domain/drama/drama.commands.js';
import type { DramaEvent } from '../../../src/domain/drama/drama.events.js';
import { DEFAULT_RETRY, planNext, type PlannerDeps } from '../../../src/domain/drama/drama.planner.js';
import {
  type ActiveDrama,
  type DramaState,
  type JobState,
  openJobs,
} from '../../../src/domain/drama/drama.state.js';
import type { DramaRequest, ErrorClass, StageOutput } from '../../../src/domain/drama/drama.types.js';
import { writeTemplateScript } from '../../../src/domain/script/template-script.js';
import { fold } from '../../../src/domain/shared/decider.js';

export const NOW = '2026-01-01T00:00:00.000Z';
export const OWNER = 'owner-1';

export const deps = (overrides: Partial<PlannerDeps> = {}): PlannerDeps => ({
  jobId: (parts) => `job:${parts.join('|')}`,
  hash: (value) => JSON.stringify(value),
  retry: DEFAULT_RETRY,
  leaseSec: () => 600,
  now: NOW,
  ...overrides,
});

export const request = (overrides: Partial<DramaRequest> = {}): DramaRequest => ({
  kind: 'drama',
  resolution: '720p',
  title: '我的网剧',
  description: '一个关于程序员的爱情故事',
  genre: '爱情',
  episodes: 2,
  scenesPerEpisode: 2,
  episodeDurationSec: 60,
  prompt: '北京，2024 年，一个 996 的程序员遇见了设计部的同事',
  aspectRatio: '16:9',
  useLocalLlm: true,
  providers: { video: 'local', image: 'local', tts: 'local' },
  ...overrides,
});

/** A drama driven by the planner, with a fake worker that completes or fails jobs on command. */
export class DramaHarness {
  events: DramaEvent[] = [];

  constructor(
    readonly req: DramaRequest = request(),
    readonly plannerDeps: PlannerDeps = deps(),
  ) {
    this.run({
      type: 'RequestDrama',
      data: { dramaId: 'd-1', projectId: 'p-1', ownerId: OWNER, request: req, now: NOW },
    });
  }

  get state(): ActiveDrama {
    const state = fold(dramaDecider, this.events) as DramaState;
    if (state.status === 'empty') throw new Error('no drama');
    return state;
  }

  run(command: DramaCommand): DramaEvent[] {
    const produced = dramaDecider.decide(command, fold(dramaDecider, this.events));
    this.events.push(...produced);
    return produced;
  }

  plan(): DramaCommand[] {
    return planNext(this.state, this.plannerDeps);
  }

  /** Runs the planner until it has nothing more to say, applying its commands. */
  settle(): DramaCommand[] {
    const all: DramaCommand[] = [];
    for (let i = 0; i < 50; i++) {
      const commands = this.plan();
      const produced = commands.flatMap((c) => this.run(c));
      all.push(...commands);
      if (produced.length === 0) return all;
    }
    throw new Error('planner did not settle');
  }

  openJobs(): JobState[] {
    return openJobs(this.state);
  }

  complete(job: JobState, output: StageOutput = this.outputFor(job), provider = job.provider): DramaEvent[] {
    this.run({ type: 'StartJob', data: { jobId: job.jobId, worker: 'w', now: NOW } });
    return this.run({
      type: 'CompleteStage',
      data: { jobId: job.jobId, output, cached: false, provider, model: 'm', durationMs: 1, now: NOW },
    });
  }

  fail(job: JobState, errorClass: ErrorClass, message = 'boom'): DramaEvent[] {
    return this.run({
      type: 'FailStage',
      data: { jobId: job.jobId, errorClass, message, provider: job.provider, now: NOW },
    });
  }

  /** Completes every open job, settles, and repeats until nothing is open. */
  completeAll(limit = 20): void {
    for (let i = 0; i < limit; i++) {
      this.settle();
      const open = this.openJobs();
      if (open.length === 0) return;
      for (const job of open) this.complete(job);
    }
  }

  outputFor(job: JobState): StageOutput {
    const h = `h(${job.jobId})`;
    switch (job.stage) {
      case 'script': {
        const script = writeTemplateScript({
          prompt: this.req.prompt,
          episodes: this.req.episodes,
          scenes_per_episode: this.req.scenesPerEpisode,
          episode_duration_sec: this.req.episodeDurationSec,
        });
        const scenes = script.episodes.flatMap((e) =>
          e.scenes.map((s) => ({
            sceneId: `s-${e.number}-${s.number}`,
            episode: e.number,
            number: s.number,
            title: s.title,
            durationSec: s.duration_sec,
            hash: `scene-${e.number}-${s.number}`,
          })),
        );
        return { stage: 'script', script, scenes, hash: 'script-hash' };
      }
      case 'cast':
        return { stage: 'cast', characters: [], hash: `cast(${job.jobId})` };
      case 'storyboard':
        return { stage: 'storyboard', shots: {}, hash: 'sb-hash' };
      case 'images':
        return { stage: 'images', key: `img/${job.target}.png`, contentType: 'image/png', hash: h };
      case 'video':
        return {
          stage: 'video',
          key: `v/${job.target}.mp4`,
          srtKey: 'a.srt',
          vttKey: 'a.vtt',
          durationSec: 30,
          hash: h,
        };
      case 'review':
        return { stage: 'review', checks: ['ok'], hash: h };
      case 'assemble': {
        const episode = Number(job.target.slice(3));
        return {
          stage: 'assemble',
          episode,
          key: `ep${episode}.mp4`,
          srtKey: 's',
          vttKey: 'v',
          posterKey: 'p',
          durationSec: 60,
          hash: h,
        };
      }
    }
  }
}
