import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  createTtsWorkerConfig,
  LocalTts,
  UnknownVoiceError,
} from '../../../src/infrastructure/media/local-tts.js';
import { ttsWorkerSource, type TtsJob, type TtsReply } from '../../../src/infrastructure/media/tts-worker.js';
import { LOCAL_VOICES } from '../../../src/infrastructure/media/voices.js';
import { audioLevels, tempDir } from '../../support/media.js';

describe('LocalTts (text2wav in worker threads)', () => {
  const tts = new LocalTts();
  let dir: Awaited<ReturnType<typeof tempDir>>;

  beforeAll(async () => {
    dir = await tempDir('tts');
  });
  afterAll(async () => {
    await tts.close();
    await dir.remove();
  });

  it('speaks Chinese and English audibly', async () => {
    const zh = await tts.synthesize(
      { text: '你好，我是新来的程序员。', voice: 'zh-female-1' },
      join(dir.path, 'zh.wav'),
    );
    const en = await tts.synthesize(
      { text: 'Hello, I am the new programmer.', voice: 'en-male-1' },
      join(dir.path, 'en.wav'),
    );
    for (const result of [zh, en]) {
      expect(result.durationSec).toBeGreaterThan(1);
      const levels = await audioLevels(result.path);
      expect(levels.maxDb).toBeGreaterThan(-12);
      expect(levels.meanDb).toBeGreaterThan(-40);
    }
  }, 60_000);

  it('gives every local voice its own sound', async () => {
    const speech = await tts.speakMany(
      LOCAL_VOICES.map((v) => ({
        text: v.language === 'zh' ? '今天天气很好。' : 'The weather is fine today.',
        voice: v.id,
      })),
    );
    const hashes = speech.map((s) => createHash('sha1').update(s.pcm.samples).digest('hex'));
    expect(new Set(hashes).size).toBe(LOCAL_VOICES.length);
    for (const s of speech) expect(s.durationSec).toBeGreaterThan(0.5);
  }, 60_000);

  it('splits a batch into the same utterances as speaking them one by one', async () => {
    const lines = ['王总，版本还没测完。', '今晚必须上线！', '好的。'];
    const batch = await tts.speakMany(lines.map((text) => ({ text, voice: 'zh-male-1' })));
    const single = await Promise.all(lines.map((text) => tts.speak({ text, voice: 'zh-male-1' })));
    batch.forEach((b, i) =>
      expect(Math.abs(b.durationSec - (single[i]?.durationSec as number))).toBeLessThan(0.1),
    );
  }, 60_000);

  it('speaks faster when asked', async () => {
    const normal = await tts.speak({ text: '北京的夜晚，写字楼里依然灯火通明。', voice: 'zh-female-2' });
    const fast = await tts.speak({
      text: '北京的夜晚，写字楼里依然灯火通明。',
      voice: 'zh-female-2',
      speed: 1.4,
    });
    expect(fast.durationSec).toBeLessThan(normal.durationSec * 0.85);
  }, 60_000);

  it('rejects an unknown voice before it reaches espeak, and keeps working', async () => {
    await expect(tts.speak({ text: '你好', voice: 'zh-bogus' })).rejects.toThrow(UnknownVoiceError);
    await expect(tts.speak({ text: '你好', voice: 'cmn+f2' })).rejects.toThrow(/unknown voice "cmn\+f2"/);
    const after = await tts.speak({ text: '还活着', voice: 'zh-male-1' });
    expect(after.durationSec).toBeGreaterThan(0.3);
  }, 60_000);

  it('writes a playable WAV file', async () => {
    const path = join(dir.path, 'line.wav');
    await tts.synthesize({ text: '测试', voice: 'zh-child' }, path);
    const bytes = await readFile(path);
    expect(bytes.subarray(0, 4).toString()).toBe('RIFF');
    expect(bytes.subarray(8, 12).toString()).toBe('WAVE');
  }, 60_000);
});

describe('the TTS worker itself', () => {
  it('turns an espeak voice that does not exist into an error instead of exiting the process', async () => {
    const config = createTtsWorkerConfig();
    const worker = new Worker(ttsWorkerSource(config), { eval: true });
    try {
      const reply = await new Promise<TtsReply>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
        worker.postMessage({ id: 1, args: ['-v', 'no-such-voice', '--', 'hello'] } satisfies TtsJob);
      });
      expect(reply).toEqual({ id: 1, error: expect.stringMatching(/espeak-ng exited with status 1/) });
    } finally {
      await worker.terminate();
      await rm(config.outDir, { recursive: true, force: true });
    }
  }, 60_000);
});
