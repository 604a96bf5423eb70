import type { ProgressHub, ProgressListener } from '../../application/ports/progress-hub.port.js';
import type { ProgressMessage } from '../../application/realtime/progress-message.js';

/** Watchers of one project, per process; a listener that throws does not stop the others. */
export class LocalWatchers {
  private readonly byProject = new Map<string, Set<ProgressListener>>();

  add(projectId: string, listener: ProgressListener): () => void {
    let set = this.byProject.get(projectId);
    if (!set) this.byProject.set(projectId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.byProject.get(projectId) === set) this.byProject.delete(projectId);
    };
  }

  deliver(message: ProgressMessage): void {
    const set = this.byProject.get(message.project_id);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(message);
      } catch {
        // a broken connection is the transport's to close; the others still get the message
      }
    }
  }
}

/** One process: what this process publishes reaches the watchers connected to it. */
export class MemoryProgressHub implements ProgressHub {
  private readonly watchers = new LocalWatchers();

  async publish(message: ProgressMessage): Promise<void> {
    this.watchers.deliver(message);
  }

  async subscribe(projectId: string, listener: ProgressListener): Promise<() => void> {
    return this.watchers.add(projectId, listener);
  }

  async close(): Promise<void> {}
}
