import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../../../src/infrastructure/config/config.js';

const base = { JWT_SECRET: 'unit-test-secret-unit-test-secret-0123', DATA_DIR: '/tmp/k3s-config-unit' };
const problems = (env: Record<string, string>) => {
  try {
    loadConfig({ ...base, ...env }, () => undefined);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.issues;
  }
};

describe('Kafka configuration', () => {
  it('defaults to the in-process bus (no brokers) and 12 partitions, 3 attempts', () => {
    const config = loadConfig(base, () => undefined);
    expect(config.KAFKA_BROKERS).toEqual([]);
    expect(config.KAFKA_TOPIC_PREFIX).toBe('');
    expect(config.KAFKA_PARTITIONS).toBe(12);
    expect(config.KAFKA_MAX_ATTEMPTS).toBe(3);
  });

  it('reads a comma-separated broker list, ignoring blanks', () => {
    const config = loadConfig({ ...base, KAFKA_BROKERS: ' kafka-1:9092, kafka-2:9092 ,' }, () => undefined);
    expect(config.KAFKA_BROKERS).toEqual(['kafka-1:9092', 'kafka-2:9092']);
  });

  it('names the variable of every bad value', () => {
    expect(
      problems({
        KAFKA_BROKERS: 'kafka://broker:9092',
        KAFKA_TOPIC_PREFIX: 'bad prefix/',
        KAFKA_PARTITIONS: '0',
        KAFKA_SESSION_TIMEOUT_MS: '1000',
      }).map((p) => p.split(':')[0]),
    ).toEqual(['KAFKA_BROKERS', 'KAFKA_TOPIC_PREFIX', 'KAFKA_PARTITIONS', 'KAFKA_SESSION_TIMEOUT_MS']);
  });
});
