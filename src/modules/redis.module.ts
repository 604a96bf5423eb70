import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../infrastructure/config/config.js';
import { LOGGER } from '../infrastructure/logging/logger.js';
import { StartupResources } from './startup-resources.js';

/** The shared Redis connection of this process: null when REDIS_URL is unset (state stays in process). */
export interface SharedRedis {
  client: Redis | null;
}
export const SHARED_REDIS = Symbol('SharedRedis');

/** One Redis connection for rate limits, idempotency and the stage cache index, when REDIS_URL is set. */
@Module({
  providers: [
    {
      provide: SHARED_REDIS,
      inject: [APP_CONFIG, LOGGER, StartupResources],
      useFactory: async (
        config: AppConfig,
        logger: Logger,
        startup: StartupResources,
      ): Promise<SharedRedis> => {
        if (!config.REDIS_URL) return { client: null };
        // Loaded only when configured, like every optional engine's client.
        const { connectRedis } = await import('../infrastructure/redis/redis.client.js');
        const client = connectRedis(config.REDIS_URL, logger, 'shared');
        startup.add('redis', () => client.disconnect());
        return { client };
      },
    },
  ],
  exports: [SHARED_REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(SHARED_REDIS) private readonly redis: SharedRedis) {}

  onApplicationShutdown(): void {
    this.redis.client?.disconnect();
  }
}
