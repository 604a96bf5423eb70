import type { ProgressMessage } from '../realtime/progress-message.js';

export type ProgressListener = (message: ProgressMessage) => void;

/**
 * Fan-out of progress messages to the watchers of a project, in every API process that shares the hub.
 * Messages arrive in the order they were published; a watcher dedupes by `position`.
 */
export interface ProgressHub {
  publish(message: ProgressMessage): Promise<void>;
  /** Resolves once the listener is live: every message published afterwards reaches it. */
  subscribe(projectId: string, listener: ProgressListener): Promise<() => void>;
  close(): Promise<void>;
}
export const PROGRESS_HUB = Symbol('ProgressHub');
