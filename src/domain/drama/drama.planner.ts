import { castOf, hasCastStep } from './drama.cast.js';
import type { DramaCommand } from './drama.commands.js';
import { type ActiveDrama, type DramaState, type JobState, scriptOf, slot } from './drama.state.js';
import {
  DRAMA_TARGET,
  type DramaRequest,
  episodeTarget,
  type JobSpec,
  STAGES,
  type Stage,
  TASK_TARGET,
} from './drama.types.js';

export interface RetryPolicy {
  /** Attempts per provider for transient failures. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface PlannerDeps {
  /** Deterministic id from its parts (e.g. a UUID v5): the same job always gets the same id. */
  jobId(parts: readonly string[]): string;
  /** Stable content hash of a JSON-able value. */
  hash(value: unknown): string;
  retry: RetryPolicy;
  leaseSec(stage: Stage): number;
  now: string;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 2_000, maxDelayMs: 30_000 };

/** In order: a scene's images (and everything after) wait for the cast, whose portraits they show. */
const stagesOf = (drama: ActiveDrama): readonly Stage[] =>
  drama.kind === 'script_only'
    ? ['script', 'storyboard']
    : drama.kind === 'single_video'
      ? ['video']
      : hasCastStep(drama)
        ? STAGES
        : STAGES.filter((s) => s !== 'cast');

const unique = (values: string[]) => [...new Set(values)];

/** Providers to try for a stage, best first; media stages always end with the local renderer. */
export function providerChain(stage: Stage, request: DramaRequest): string[] {
  switch (stage) {
    case 'script':
      return [request.useLocalLlm ? 'auto-local' : 'auto-cloud'];
    case 'cast':
    case 'images':
      return unique([request.providers.image, 'local']);
    case 'video':
      return unique([
        `${request.providers.video}+${request.providers.tts}`,
        `local+${request.providers.tts}`,
        'local+local',
      ]);
    case 'storyboard':
    case 'review':
    case 'assemble':
      return ['local'];
  }
}

function targetsOf(stage: Stage, drama: ActiveDrama): string[] | null {
  if (drama.kind === 'single_video') return [TASK_TARGET];
  if (stage === 'script' || stage === 'cast' || stage === 'storyboard') return [DRAMA_TARGET];
  if (stage === 'assemble')
    return Array.from({ length: drama.request.episodes }, (_, i) => episodeTarget(i + 1));
  const script = scriptOf(drama);
  return script ? script.scenes.map((s) => s.sceneId) : null;
}

const outputHash = (drama: ActiveDrama, stage: Stage, target: string) =>
  drama.outputs[slot(stage, target)]?.output.hash;

/** What a stage's result depends on. A changed input (new scene text, a regeneration) means new work. */
function inputOf(stage: Stage, target: string, drama: ActiveDrama): unknown {
  const r = drama.request;
  const script = scriptOf(drama);
  const scene = script?.scenes.find((s) => s.sceneId === target);
  const storyboard = drama.outputs[slot('storyboard', DRAMA_TARGET)]?.output;
  const shots = storyboard?.stage === 'storyboard' ? storyboard.shots[target] : undefined;
  // Only a resolution other than the default is part of the input: dramas from before it existed (and
  // every 720p one) keep the input hashes, and so the cached results, they had.
  const resolution = r.resolution && r.resolution !== '720p' ? { resolution: r.resolution } : {};
  // Likewise the cast: only in dramas that have the step (portraits and voices change the pictures).
  const cast = hasCastStep(drama) ? { cast: castOf(drama)?.hash ?? null } : {};
  switch (stage) {
    case 'script':
      return {
        stage,
        prompt: r.prompt,
        title: r.title,
        description: r.description,
        genre: r.genre,
        episodes: r.episodes,
        scenesPerEpisode: r.scenesPerEpisode,
        episodeDurationSec: r.episodeDurationSec,
        useLocalLlm: r.useLocalLlm,
      };
    case 'cast':
      // The drama id seeds the offline portraits: two dramas from one prompt get their own faces.
      return { stage, drama: drama.dramaId, script: script?.hash };
    case 'storyboard':
      return { stage, script: script?.hash, aspect: r.aspectRatio };
    case 'images':
      return {
        stage,
        scene: scene?.hash,
        shots,
        aspect: r.aspectRatio,
        ...resolution,
        ...cast,
        revision: drama.revisions[target] ?? 0,
      };
    case 'video':
      if (drama.kind === 'single_video')
        return {
          stage,
          single: r.single,
          aspect: r.aspectRatio,
          ...resolution,
          providers: r.providers,
        };
      return {
        stage,
        image: outputHash(drama, 'images', target),
        scene: scene?.hash,
        shots,
        aspect: r.aspectRatio,
        ...resolution,
        ...cast,
        revision: drama.revisions[target] ?? 0,
        rerender: drama.rerenders[target] ?? 0,
      };
    case 'review':
      return { stage, video: outputHash(drama, 'video', target), scene: scene?.hash };
    case 'assemble': {
      const episode = Number(target.slice(3));
      const clips = (script?.scenes ?? [])
        .filter((s) => s.episode === episode)
        .map((s) => outputHash(drama, 'video', s.sceneId));
      return { stage, episode, clips };
    }
  }
}

export function targetLabel(drama: ActiveDrama, target: string): string {
  if (target === DRAMA_TARGET) return 'the drama';
  if (target === TASK_TARGET) return 'the video';
  if (target.startsWith('ep-')) return `episode ${target.slice(3)}`;
  const scene = scriptOf(drama)?.scenes.find((s) => s.sceneId === target);
  return scene ? `episode ${scene.episode} scene ${scene.number} ("${scene.title}")` : `scene ${target}`;
}

/** Deterministic jitter in [0.75, 1.25) from the job id (FNV-1a), so a replay computes the same retry time. */
function jitter(jobId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < jobId.length; i++) h = Math.imul(h ^ jobId.charCodeAt(i), 0x01000193);
  return 0.75 + ((h >>> 0) / 0x100000000) * 0.5;
}

function retryDelayMs(job: JobState, policy: RetryPolicy): number {
  return Math.round(
    Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (job.attempt - 1)) * jitter(job.jobId),
  );
}

function failureReason(drama: ActiveDrama, stage: Stage, target: string): string {
  const failures = Object.values(drama.jobs)
    .filter((j) => j.stage === stage && j.target === target && j.status === 'failed' && j.error)
    .sort((a, b) => a.scheduledAt.localeCompare(b.scheduledAt));
  const last = failures[failures.length - 1];
  const tried = unique(failures.map((f) => f.provider)).join(', ');
  const what = `${stage} for ${targetLabel(drama, target)} failed`;
  if (!last?.error) return what;
  const hint =
    last.error.errorClass === 'moderation'
      ? ' The content was rejected by a content check: change the prompt or the scene and regenerate it.'
      : last.error.errorClass === 'permanent'
        ? ' Retrying the same request will not help: check the provider configuration or the request.'
        : ' The provider kept failing: try again later.';
  return `${what} after ${failures.length} attempt(s) (providers tried: ${tried}): ${last.error.message}.${hint}`;
}

/**
 * Stages whose targets start one by one as soon as their own inputs exist, instead of when every target
 * of the stage before is done: a scene's review needs only that scene's video, an episode's assembly
 * only its own scenes' videos and reviews. The other stages stay barriers (a storyboard needs the whole
 * script; the renders start together after the images).
 */
const PIPELINED: ReadonlySet<Stage> = new Set<Stage>(['review', 'assemble']);

const isCurrent = (drama: ActiveDrama, stage: Stage, target: string, deps: PlannerDeps) =>
  drama.outputs[slot(stage, target)]?.inputHash === deps.hash(inputOf(stage, target, drama));

/** Whether a pipelined stage's target has what it needs, with earlier stages still running elsewhere. */
function inputsReady(stage: Stage, target: string, drama: ActiveDrama, deps: PlannerDeps): boolean {
  if (stage === 'review') return isCurrent(drama, 'video', target, deps);
  const episode = Number(target.slice(3));
  const scenes = (scriptOf(drama)?.scenes ?? []).filter((s) => s.episode === episode);
  return (
    scenes.length > 0 &&
    scenes.every(
      (s) => isCurrent(drama, 'video', s.sceneId, deps) && isCurrent(drama, 'review', s.sceneId, deps),
    )
  );
}

/**
 * The process manager's reaction, as a pure function of the drama's state: which jobs should exist
 * now, and whether the drama is finished. Stages run in order; a stage starts when every target of
 * the previous one has a result for its current inputs, except the pipelined ones (review, assemble),
 * whose targets start as soon as their own inputs have results. Running it twice gives the same
 * commands, and job ids are deterministic, so a replay after a crash schedules nothing twice.
 */
export function planNext(state: DramaState, deps: PlannerDeps): DramaCommand[] {
  if (state.status !== 'pending' && state.status !== 'running') return [];
  const drama = state;
  const now = deps.now;
  const toSchedule: JobSpec[] = [];
  /** Every stage so far has a current result for every target. */
  let allDone = true;
  for (const stage of stagesOf(drama)) {
    const pipelined = PIPELINED.has(stage);
    if (!allDone && !pipelined) break;
    const targets = targetsOf(stage, drama);
    if (!targets) {
      allDone = false;
      break;
    }
    const chain = providerChain(stage, drama.request);
    let stageDone = true;
    for (const target of targets) {
      const inputHash = deps.hash(inputOf(stage, target, drama));
      const key = slot(stage, target);
      if (drama.outputs[key]?.inputHash === inputHash) continue;
      stageDone = false;
      if (!allDone && !inputsReady(stage, target, drama, deps)) continue;
      const latest = drama.jobs[drama.latest[key] ?? ''];
      const spec = (provider: string, attempt: number, notBefore: string | null): JobSpec => ({
        jobId: deps.jobId([drama.dramaId, stage, target, inputHash, provider, String(attempt)]),
        stage,
        target,
        attempt,
        provider,
        inputHash,
        notBefore,
        leaseSec: deps.leaseSec(stage),
      });
      if (!latest || latest.inputHash !== inputHash) {
        toSchedule.push(spec(chain[0]!, 1, null));
        continue;
      }
      if (latest.status !== 'failed' || !latest.error) continue; // scheduled or running: wait for it
      const errorClass = latest.error.errorClass;
      // A review that found a problem re-renders the scene once (quality) or fails it (content);
      // a review that could not run (transient) is retried like any other job.
      if (stage === 'review' && errorClass !== 'transient') {
        if (errorClass === 'permanent' && (drama.rerenders[target] ?? 0) < 1) {
          return [{ type: 'RequestRerender', data: { sceneId: target, reason: latest.error.message, now } }];
        }
        return [
          { type: 'FailDrama', data: { stage, target, reason: failureReason(drama, stage, target), now } },
        ];
      }
      if (errorClass === 'transient' && latest.attempt < deps.retry.maxAttempts) {
        const notBefore = new Date(
          Date.parse(latest.finishedAt ?? now) + retryDelayMs(latest, deps.retry),
        ).toISOString();
        toSchedule.push(spec(latest.provider, latest.attempt + 1, notBefore));
        continue;
      }
      const next = chain[chain.indexOf(latest.provider) + 1];
      if (next) {
        toSchedule.push(spec(next, 1, null));
        continue;
      }
      return [
        { type: 'FailDrama', data: { stage, target, reason: failureReason(drama, stage, target), now } },
      ];
    }
    allDone &&= stageDone;
  }
  if (toSchedule.length > 0) return [{ type: 'ScheduleJobs', data: { jobs: toSchedule, now } }];
  return allDone ? [{ type: 'CompleteDrama', data: { now } }] : [];
}
