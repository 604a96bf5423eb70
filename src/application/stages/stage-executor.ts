import type { ActiveDrama, JobState } from '../../domain/drama/drama.state.js';
import type { ErrorClass, StageOutput } from '../../domain/drama/drama.types.js';
import { type JobContext, ProviderError, type Usage } from '../ports/ai-providers.port.js';

export interface StageInput {
  drama: ActiveDrama;
  job: JobState;
  ctx: JobContext;
}

export interface StageResult {
  output: StageOutput;
  provider: string;
  model: string;
  usage?: Usage;
}

export interface StageExecutor {
  run(input: StageInput): Promise<StageResult>;
}

/** A failure the pipeline should treat as `errorClass`, with a message a person can act on. */
export class StageError extends Error {
  constructor(
    readonly errorClass: ErrorClass,
    message: string,
  ) {
    super(message);
    this.name = 'StageError';
  }
}

export function classify(error: unknown): { errorClass: ErrorClass; message: string } {
  if (error instanceof StageError) return { errorClass: error.errorClass, message: error.message };
  if (error instanceof ProviderError) {
    const errorClass: ErrorClass =
      error.errorClass === 'moderation'
        ? 'moderation'
        : error.errorClass === 'transient'
          ? 'transient'
          : 'permanent';
    return { errorClass, message: `${error.message} (${error.errorClass})` };
  }
  // Unknown failures (a crashed ffmpeg, a full disk, a dropped connection) get the transient retries.
  return { errorClass: 'transient', message: error instanceof Error ? error.message : String(error) };
}
