import { hasCastStep } from './drama.cast.js';
import { type ActiveDrama, scriptOf, slot } from './drama.state.js';
import {
  DRAMA_TARGET,
  type DramaKind,
  episodeTarget,
  type Stage,
  STAGES,
  TASK_TARGET,
  type VideoOutput,
} from './drama.types.js';

export type StageStatus = 'pending' | 'running' | 'completed' | 'failed';

export interface StageProgress {
  name: Stage;
  status: StageStatus;
  done: number;
  total: number;
  /** Which providers produced this stage's results (a fallback shows up here). */
  providers: string[];
}

export interface EpisodeProgress {
  number: number;
  status: 'pending' | 'running' | 'completed';
  videoKey: string | null;
  subtitlesKey: string | null;
  vttKey: string | null;
  posterKey: string | null;
  durationSec: number | null;
}

export interface DramaSummary {
  status: ActiveDrama['status'];
  /** The stage being worked on (the first one not completed), or null when done. */
  stage: Stage | null;
  /** 0–100. */
  progress: number;
  stages: StageProgress[];
  episodes: EpisodeProgress[];
  /** The clip of a single_video task. */
  result: VideoOutput | null;
  error: string | null;
  startedAt: string | null;
  notes: string[];
}

/** Relative cost of each stage, for a progress bar that moves at roughly even speed. */
const WEIGHTS: Record<DramaKind, Partial<Record<Stage, number>>> = {
  drama: { script: 5, cast: 3, storyboard: 2, images: 8, video: 60, review: 10, assemble: 15 },
  script_only: { script: 90, storyboard: 10 },
  single_video: { video: 100 },
};

function targets(drama: ActiveDrama, stage: Stage): string[] {
  if (drama.kind === 'single_video') return [TASK_TARGET];
  if (stage === 'script' || stage === 'cast' || stage === 'storyboard') return [DRAMA_TARGET];
  if (stage === 'assemble')
    return Array.from({ length: drama.request.episodes }, (_, i) => episodeTarget(i + 1));
  return scriptOf(drama)?.scenes.map((s) => s.sceneId) ?? [];
}

/** A slot is done when it has a result from its newest job (a regeneration makes it pending again). */
const isDone = (drama: ActiveDrama, stage: Stage, target: string) => {
  const record = drama.outputs[slot(stage, target)];
  return !!record && record.jobId === drama.latest[slot(stage, target)];
};

/** What a client watching the drama sees: per-stage counts, overall progress and the episodes so far. */
export function summarizeDrama(drama: ActiveDrama): DramaSummary {
  const weights = WEIGHTS[drama.kind];
  const stages: StageProgress[] = [];
  let weighted = 0;
  let totalWeight = 0;
  for (const name of STAGES) {
    const weight = weights[name];
    if (weight === undefined || (name === 'cast' && !hasCastStep(drama))) continue;
    const list = targets(drama, name);
    let done = 0;
    let partial = 0;
    let active = false;
    const providers = new Set<string>();
    for (const target of list) {
      if (isDone(drama, name, target)) {
        done++;
        providers.add(drama.outputs[slot(name, target)]!.provider);
        continue;
      }
      const job = drama.jobs[drama.latest[slot(name, target)] ?? ''];
      if (job && (job.status === 'running' || job.status === 'scheduled')) {
        active = true;
        if (job.status === 'running') partial += job.progress;
      }
    }
    const total = list.length;
    const status: StageStatus =
      drama.status === 'failed' && drama.failure?.stage === name
        ? 'failed'
        : total > 0 && done === total
          ? 'completed'
          : active || done > 0
            ? 'running'
            : 'pending';
    stages.push({ name, status, done, total, providers: [...providers].sort() });
    totalWeight += weight;
    weighted += total > 0 ? (weight * (done + partial)) / total : 0;
  }
  const current = stages.find((s) => s.status !== 'completed');
  const progress =
    drama.status === 'completed' ? 100 : Math.min(99, Math.floor((100 * weighted) / totalWeight));
  const episodes: EpisodeProgress[] =
    drama.kind === 'drama'
      ? Array.from({ length: drama.request.episodes }, (_, i) => {
          const target = episodeTarget(i + 1);
          const record = drama.outputs[slot('assemble', target)];
          const output = record?.output.stage === 'assemble' ? record.output : null;
          const job = drama.jobs[drama.latest[slot('assemble', target)] ?? ''];
          const status =
            output && isDone(drama, 'assemble', target) ? 'completed' : job ? 'running' : 'pending';
          return {
            number: i + 1,
            status,
            videoKey: output?.key ?? null,
            subtitlesKey: output?.srtKey ?? null,
            vttKey: output?.vttKey ?? null,
            posterKey: output?.posterKey ?? null,
            durationSec: output?.durationSec ?? null,
          };
        })
      : [];
  const single = drama.outputs[slot('video', TASK_TARGET)]?.output;
  const startedAt = Object.values(drama.jobs).reduce<string | null>(
    (first, job) => (job.startedAt && (!first || job.startedAt < first) ? job.startedAt : first),
    null,
  );
  return {
    status: drama.status,
    stage: drama.status === 'completed' ? null : (current?.name ?? null),
    progress,
    stages,
    episodes,
    result: single?.stage === 'video' ? single : null,
    error: drama.status === 'failed' ? (drama.failure?.reason ?? 'failed') : null,
    startedAt,
    notes: drama.request.notes ?? [],
  };
}
