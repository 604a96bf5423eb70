/** Lets a writer wait until a projection has processed its write (read-your-writes). */
export interface ProjectionProgress {
  /** Resolves true once `projection` has processed `position`, false after `timeoutMs`. */
  waitFor(projection: string, position: number, timeoutMs?: number): Promise<boolean>;
  /** Checkpoint of every projection this process knows, as last seen. */
  positions(): { name: string; position: number }[];
}
export const PROJECTION_PROGRESS = Symbol('ProjectionProgress');
