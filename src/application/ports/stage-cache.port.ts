import type { StageOutput } from '../../domain/drama/drama.types.js';

export interface CachedStage {
  output: StageOutput;
  provider: string;
  model: string;
}

/** Stage results by input hash, so unchanged work is never redone (within a drama and across dramas). */
export interface StageCache {
  get(key: string): Promise<CachedStage | null>;
  put(key: string, value: CachedStage): Promise<void>;
}
export const STAGE_CACHE = Symbol('StageCache');
