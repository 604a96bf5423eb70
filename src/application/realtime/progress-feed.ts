import { projectStream } from '../../domain/project/project.streams.js';
import type { DramaState } from '../../domain/drama/drama.state.js';
import type { EventStore } from '../ports/event-store.port.js';
import type { ProgressHub } from '../ports/progress-hub.port.js';
import { type ProgressMessage, toProgressMessage, withMediaUrls } from './progress-message.js';

export interface ProgressFeedDeps {
  store: EventStore;
  hub: ProgressHub;
  /** Lowest position every read model behind the REST views has applied (their checkpoints, shared). */
  readModelsPosition(): Promise<number>;
  /** Streams of the project's dramas and video tasks. */
  dramaStreams(projectId: string): Promise<string[]>;
  url(key: string | null | undefined): Promise<string | null>;
  /** Owner of a live project; null when there is no such project (never created, or deleted). */
  projectOwner(projectId: string): Promise<string | null>;
  now?: () => Date;
}

/**
 * One watcher's view of a project: what it missed (replayed from the event store), then live messages,
 * with no gap and no duplicate. The hub subscription starts first and buffers; the replay stops at the
 * position the read models had reached after that, so every event is either replayed (already in the
 * read models, hence at most that position) or published after the subscription started.
 */
export class ProgressFeed {
  constructor(private readonly deps: ProgressFeedDeps) {}

  /** Only the owner may watch a project. */
  async access(projectId: string, userId: string): Promise<'ok' | 'forbidden' | 'not_found'> {
    const owner = await this.deps.projectOwner(projectId);
    if (owner === null) return 'not_found';
    return owner === userId ? 'ok' : 'forbidden';
  }

  /** Messages of the project's events in (since, upTo], in position order. */
  async replay(projectId: string, since: number, upTo: number): Promise<ProgressMessage[]> {
    if (upTo <= since) return [];
    const streams = [projectStream.streamId(projectId), ...(await this.deps.dramaStreams(projectId))];
    const messages: ProgressMessage[] = [];
    for (const streamId of streams) {
      let state: DramaState = { status: 'empty' };
      for (const event of await this.deps.store.readStream(streamId)) {
        if (event.globalPosition > upTo) break;
        const mapped = toProgressMessage(state, event);
        state = mapped.state;
        if (mapped.message && event.globalPosition > since) messages.push(mapped.message);
      }
    }
    messages.sort((a, b) => a.position - b.position);
    return Promise.all(messages.map((m) => withMediaUrls(m, this.deps.url)));
  }

  /**
   * Starts a watcher: `send` gets the replay after `since` (none when since is null), one `subscribed`
   * message, then live messages. Returns the function that stops it.
   */
  async open(
    projectId: string,
    since: number | null,
    send: (message: ProgressMessage) => void,
  ): Promise<() => void> {
    let last = since ?? 0;
    let live = false;
    const buffer: ProgressMessage[] = [];
    const deliver = (message: ProgressMessage) => {
      if (message.position <= last) return;
      last = message.position;
      send(message);
    };
    const unsubscribe = await this.deps.hub.subscribe(projectId, (message) => {
      if (live) deliver(message);
      else buffer.push(message);
    });
    try {
      const upTo = await this.deps.readModelsPosition();
      const replayed = since === null ? [] : await this.replay(projectId, since, upTo);
      for (const message of replayed) deliver(message);
      last = Math.max(last, upTo);
      send({
        type: 'subscribed',
        position: last,
        project_id: projectId,
        data: { since, replayed: replayed.length },
        at: (this.deps.now?.() ?? new Date()).toISOString(),
      });
      for (const message of buffer.splice(0)) deliver(message);
      live = true;
    } catch (error) {
      unsubscribe();
      throw error;
    }
    return unsubscribe;
  }
}

export const PROGRESS_FEED = Symbol('ProgressFeed');
