import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import type { CachedStage } from '../../../src/application/ports/stage-cache.port.js';
import { migrate } from '../../../src/infrastructure/database/migrations.js';
import type { PgliteDatabase } from '../../../src/infrastructure/database/pglite.database.js';
import { openTemplatePglite } from '../../support/pglite-template.js';
import { SqlStageCache, stageCacheMigrations } from '../../../src/infrastructure/jobs/sql.stage-cache.js';
import { RedisIndexedStageCache } from '../../../src/infrastructure/redis/redis.stage-cache.js';

const result: CachedStage = {
  output: { stage: 'images', key: 'dramas/d/scenes/s/image-abc.png', contentType: 'image/png', hash: 'abc' },
  provider: 'local',
  model: 'storyboard-card-v1',
};

describe('stage-result cache index on the real Redis', () => {
  let db: PgliteDatabase;
  let redis: Redis;
  const prefix = `test-${randomUUID()}:stage-cache:`;

  beforeAll(async () => {
    db = await openTemplatePglite();
    await migrate(db, stageCacheMigrations);
    redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await db.close();
  });

  it('indexes results in Redis for other processes and falls back to the durable table on a miss', async () => {
    const durable = new SqlStageCache(db);
    const cache = new RedisIndexedStageCache(redis, durable, 60, prefix);
    await cache.put('k1', result);
    expect(JSON.parse((await redis.get(`${prefix}k1`))!)).toEqual(result);
    // another process with its own durable handle finds it through Redis alone
    const other = new RedisIndexedStageCache(
      redis,
      { get: async () => null, put: async () => undefined },
      60,
      prefix,
    );
    expect(await other.get('k1')).toEqual(result);
    // Redis lost it (eviction, restart): the table still has it and the index is filled again
    await redis.del(`${prefix}k1`);
    expect(await cache.get('k1')).toEqual(result);
    expect(await redis.ttl(`${prefix}k1`)).toBeGreaterThan(0);
    expect(await cache.get('missing')).toBeNull();
  });
});
