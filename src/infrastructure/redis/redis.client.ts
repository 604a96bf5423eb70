import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** One Redis connection per role; commands fail fast instead of queueing forever while Redis is down. */
export function connectRedis(url: string, logger: Logger, name: string): Redis {
  const client = new Redis(url, {
    connectionName: `3kstory-${name}`,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    lazyConnect: false,
  });
  client.on('error', (error: Error) => logger.warn({ err: error, redis: name }, 'redis connection error'));
  return client;
}
