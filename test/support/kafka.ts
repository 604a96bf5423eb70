import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

/** The broker of this test run (scripts/test.sh starts one; global-setup checks it answers). */
export const testKafkaBrokers = (): string[] => {
  const brokers = process.env.TEST_KAFKA_BROKERS;
  if (!brokers) throw new Error('TEST_KAFKA_BROKERS is not set: run `npm run kafka:start` (or npm test)');
  return brokers.split(',');
};

/** A topic / group prefix no other test file or parallel run uses. */
export const uniqueKafkaPrefix = (label: string) =>
  `t-${process.env.K3S_TEST_RUN ?? 'adhoc'}-${label}-${randomBytes(3).toString('hex')}.`;

/** Every message of a topic, from the beginning, as JSON values with their headers. */
export async function readTopic(
  topic: string,
): Promise<{ key: string | null; value: string; headers: Record<string, string> }[]> {
  const kafka = new Kafka({
    clientId: 'test-reader',
    brokers: testKafkaBrokers(),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const wanted = offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  const out: { key: string | null; value: string; headers: Record<string, string> }[] = [];
  if (wanted === 0) return out;
  const consumer = kafka.consumer({
    groupId: `reader-${randomBytes(4).toString('hex')}`,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
      out.push({ key: message.key?.toString() ?? null, value: message.value?.toString() ?? '', headers });
    },
  });
  const deadline = Date.now() + 20_000;
  while (out.length < wanted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await consumer.disconnect();
  return out;
}
