/** Lets a writer wait until a projection has processed its write (read-your-writes). */
export interface ProjectionProgress {
  /** Resolves true once `projection` has processed `position`, false after `timeoutMs`. */
  waitFor(projection: string, position: number, timeoutMs?: number): Promise<boolean>;
  /** Checkpoint of every projection this process knows, as last seen. */
  positions(): { name: string; position: number }[];
}
export const PROJECTION_PROGRESS = Symbol('ProjectionProgress');

export type RebuildStatus =
  | { state: 'idle' }
  | {
      state: 'rebuilding' | 'completed' | 'failed';
      startedAt: string;
      finishedAt?: string;
      /** Position replayed so far, and the log head it is heading for. */
      position: number;
      head: number;
      events: number;
      seconds?: number;
      error?: string;
    };

export interface ProjectionStatus {
  name: string;
  /** The version in the code, and the one the live tables were built with (null: not installed). */
  version: number;
  storedVersion: number | null;
  tables: string[];
  checkpoint: number;
  head: number;
  lag: number;
  status: 'live' | 'rebuilding' | 'failed' | 'stale_version' | 'not_installed';
  rebuild: RebuildStatus;
}

/** What operators see and do: every projection's state, and blue-green rebuilds in the background. */
export interface ProjectionAdmin {
  readonly names: string[];
  status(): Promise<ProjectionStatus[]>;
  rebuildStatus(name: string): RebuildStatus;
  /** Starts rebuilding those not already rebuilding here; returns their names. */
  startRebuild(names: readonly string[]): string[];
}
export const PROJECTION_ADMIN = Symbol('ProjectionAdmin');
