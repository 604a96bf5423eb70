import { KafkaJobBus, kafkaTopics } from '../../../src/infrastructure/jobs/kafka.job-bus.js';
import { readTopic, testKafkaBrokers, uniqueKafkaPrefix } from '../../support/kafka.js';
import { testLogger } from '../../support/logger.js';
import { jobBusContract } from './job-bus.contract.js';

// A fresh topic prefix per test: each test starts on empty topics and consumer groups.
let prefix = uniqueKafkaPrefix('bus');

jobBusContract('Kafka', {
  durable: true,
  nextTest: () => {
    prefix = uniqueKafkaPrefix('bus');
  },
  open: (options = {}) =>
    KafkaJobBus.open(
      {
        brokers: testKafkaBrokers(),
        clientId: 'job-bus-contract',
        prefix,
        partitions: 3,
        maxAttempts: options.maxAttempts ?? 3,
        sessionTimeoutMs: 6_000,
        heartbeatIntervalMs: 500,
        shutdownGraceMs: 5_000,
        onDeadLetter: options.onDeadLetter,
      },
      testLogger(),
    ),
  deadLetters: async () =>
    (await readTopic(kafkaTopics(prefix).dlq)).map((m) => ({
      jobId: (JSON.parse(m.value) as { jobId: string }).jobId,
      reason: m.headers['x-reason'] ?? '',
    })),
});
