// Smoke test against the broker of `npm run kafka:start`: create a 3-partition topic, produce 100 keyed
// messages, consume them with a fresh group from the beginning, check all arrived, delete the topic.
//   node scripts/kafka/smoke.mjs        (KAFKA_PORT, default 9092)
// Exits non-zero on any failure.
import { randomUUID } from 'node:crypto';
import kafkajs from 'kafkajs';

const { Kafka, Partitioners, logLevel } = kafkajs;

const port = process.env.KAFKA_PORT ?? '9092';
const broker = `127.0.0.1:${port}`;
const COUNT = 100;
const PARTITIONS = 3;
const CONSUME_TIMEOUT_MS = 30_000;

const run = randomUUID().slice(0, 8);
const topic = `smoke-${run}`;
const groupId = `smoke-group-${run}`;

const t0 = performance.now();
const ms = (from, to = performance.now()) => `${Math.round(to - from)} ms`;

const kafka = new Kafka({
  clientId: 'kafka-smoke',
  brokers: [broker],
  logLevel: logLevel.WARN,
  connectionTimeout: 3000,
  retry: { retries: 3 },
});
const admin = kafka.admin();
// Explicit partitioner: the Java-compatible murmur2 one, and no v2 partitioner warning.
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 250 });

let topicCreated = false;
let failed = false;

try {
  await admin.connect();
  const tCreate = performance.now();
  const created = await admin.createTopics({
    topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  if (!created) throw new Error(`topic ${topic} already existed`);
  topicCreated = true;
  console.log(`smoke: created topic ${topic} (${PARTITIONS} partitions) in ${ms(tCreate)}`);

  await producer.connect();
  const tProduce = performance.now();
  const sent = Array.from({ length: COUNT }, (_, i) => ({ key: `key-${i}`, value: `value-${i}` }));
  await producer.send({ topic, messages: sent });
  console.log(`smoke: produced ${COUNT} keyed messages in ${ms(tProduce)}`);

  const received = new Map(); // key -> { value, partition }
  let tFirst;
  let resolveAll;
  const allArrived = new Promise((resolve) => (resolveAll = resolve));

  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const tConsume = performance.now();
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      tFirst ??= performance.now();
      received.set(message.key.toString(), { value: message.value.toString(), partition });
      if (received.size >= COUNT) resolveAll();
    },
  });
  let timer;
  const timedOut = new Promise((resolve) => (timer = setTimeout(resolve, CONSUME_TIMEOUT_MS, 'timeout')));
  const outcome = await Promise.race([allArrived, timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    throw new Error(`only ${received.size}/${COUNT} messages consumed after ${CONSUME_TIMEOUT_MS} ms`);
  }
  console.log(
    `smoke: first message consumed ${ms(tConsume, tFirst)} after subscribe (group join included), ` +
      `all ${COUNT} in ${ms(tConsume)}`,
  );

  const wrong = sent.filter(({ key, value }) => received.get(key)?.value !== value);
  if (wrong.length > 0)
    throw new Error(`${wrong.length} messages missing or different, e.g. ${wrong[0].key}`);
  const perPartition = [...received.values()].reduce((acc, { partition }) => {
    acc[partition] = (acc[partition] ?? 0) + 1;
    return acc;
  }, {});
  console.log(`smoke: all ${COUNT} messages match; per partition ${JSON.stringify(perPartition)}`);
} catch (err) {
  failed = true;
  console.error(`smoke: FAILED: ${err?.stack ?? err}`);
} finally {
  await consumer.disconnect().catch(() => {});
  await producer.disconnect().catch(() => {});
  if (topicCreated) {
    try {
      await admin.deleteTopics({ topics: [topic] });
      console.log(`smoke: deleted topic ${topic}`);
    } catch (err) {
      failed = true;
      console.error(`smoke: FAILED to delete topic ${topic}: ${err?.message ?? err}`);
    }
  }
  await admin.disconnect().catch(() => {});
}

console.log(`smoke: ${failed ? 'FAILED' : 'OK'} against ${broker}, total ${ms(t0)}`);
process.exit(failed ? 1 : 0);
