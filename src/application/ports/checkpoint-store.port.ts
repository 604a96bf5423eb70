/** Positions of durable consumers of the global log (process manager, dispatchers, webhooks). */
export interface CheckpointStore {
  load(name: string): Promise<number>;
  save(name: string, position: number): Promise<void>;
}
export const CHECKPOINT_STORE = Symbol('CheckpointStore');
