import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ProgressHub, ProgressListener } from '../../application/ports/progress-hub.port.js';
import type { ProgressMessage } from '../../application/realtime/progress-message.js';
import { LocalWatchers } from './memory.progress-hub.js';

/**
 * Redis pub/sub between API processes: every process subscribes once to `<prefix>progress` and hands
 * each message to its own watchers of that project. One channel keeps subscribe free of races (it is
 * live before the first watcher connects); per-project channels would pay off only with far more
 * processes than projects being watched.
 */
export class RedisProgressHub implements ProgressHub {
  private readonly watchers = new LocalWatchers();

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly channel: string,
  ) {}

  static async open(
    publisher: Redis,
    subscriber: Redis,
    prefix: string,
    logger: Logger,
  ): Promise<RedisProgressHub> {
    const hub = new RedisProgressHub(publisher, subscriber, `${prefix}progress`);
    subscriber.on('message', (channel: string, payload: string) => {
      if (channel !== hub.channel) return;
      try {
        hub.watchers.deliver(JSON.parse(payload) as ProgressMessage);
      } catch (error) {
        logger.warn({ err: error }, 'unreadable progress message on redis');
      }
    });
    await subscriber.subscribe(hub.channel);
    return hub;
  }

  async publish(message: ProgressMessage): Promise<void> {
    await this.publisher.publish(this.channel, JSON.stringify(message));
  }

  async subscribe(projectId: string, listener: ProgressListener): Promise<() => void> {
    return this.watchers.add(projectId, listener);
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
  }
}
