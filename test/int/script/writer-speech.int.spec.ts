import { afterAll, describe, expect, it } from '@jest/globals';
import type { Script, ScriptRequest } from '../../../src/domain/script/script.schema.js';
import { writeTemplateScript } from '../../../src/domain/script/template-script.js';
import { layoutDialogue, requiredSpeedup } from '../../../src/infrastructure/media/dialogue-timeline.js';
import { LocalTts } from '../../../src/infrastructure/media/local-tts.js';

/**
 * The offline writer against the real offline voices: every line of a drama is spoken by LocalTts and
 * laid out as scene-renderer.ts does it (0.7 s before the first line and after the last, up to 1.45×
 * faster speech when lines do not fit), and the silence left after the last line of each scene is
 * measured. Before scene lengths followed the dialogue, English scenes went quiet 9–20 s before their
 * end and Chinese ones 2–13 s.
 */
const tts = new LocalTts();
afterAll(() => tts.close());

const timing = (durationSec: number) => ({ durationSec, leadInSec: 0.7, tailSec: 0.7 });
const MAX_SPEEDUP = 1.45;

async function sceneTimings(script: Script) {
  const voice = new Map(script.characters.map((c) => [c.name, c.voice]));
  const rows: { trailing: number; dropped: number; speed: number }[] = [];
  for (const scene of script.episodes.flatMap((e) => e.scenes)) {
    const say = (speed: number) =>
      tts.speakMany(scene.dialogue.map((d) => ({ text: d.line, voice: voice.get(d.character)!, speed })));
    let speed = 1;
    let speech = (await say(1)).map((s) => s.durationSec);
    const needed = requiredSpeedup(speech, timing(scene.duration_sec));
    if (needed > 1) {
      speed = Math.min(MAX_SPEEDUP, needed * 1.04);
      speech = (await say(speed)).map((s) => s.durationSec);
    }
    const { slots, dropped } = layoutDialogue(speech, timing(scene.duration_sec));
    rows.push({ trailing: scene.duration_sec - (slots.at(-1)?.endSec ?? 0), dropped: dropped.length, speed });
  }
  return rows;
}

const seed = { episodes: 2, scenes_per_episode: 3, episode_duration_sec: 120 };
const short = { episodes: 1, scenes_per_episode: 4, episode_duration_sec: 90 };
const PROMPTS: ScriptRequest[] = [
  { prompt: '欧阳纳兰·星辰·无忌在一家旧书店里发现了一本诗集，门铃响了 📚🔔', ...seed },
  {
    prompt: 'A paramedic waits on a train platform in the rain and meets a stranger with a red umbrella',
    ...seed,
  },
  { prompt: '北京，2024 年，一个 996 的程序员遇见了设计部的同事…', ...seed },
  { prompt: 'In Shanghai, 2031, an overworked programmer meets a designer at midnight', ...seed },
  { prompt: '上海，一个外卖员爱上了咖啡馆的咖啡师', ...short },
  { prompt: 'Seoul, a K-pop trainee and a convenience store clerk, one winter night', ...short },
];

describe('the template writer against the offline voices', () => {
  it('leaves no dead air at the end of a scene, in Chinese or English', async () => {
    for (const request of PROMPTS) {
      const { prompt } = request;
      const rows = await sceneTimings(writeTemplateScript(request));
      const worst = Math.max(...rows.map((r) => r.trailing));
      const fastest = Math.max(...rows.map((r) => r.speed));
      console.log(
        `${prompt.slice(0, 24)}…: silence after the last line ${rows.map((r) => r.trailing.toFixed(1)).join(' ')} s (max ${worst.toFixed(1)}); speech ≤ ${fastest.toFixed(2)}×`,
      );
      expect({ prompt, worst: worst <= 2.5, dropped: rows.reduce((a, r) => a + r.dropped, 0) }).toEqual({
        prompt,
        worst: true,
        dropped: 0,
      });
      expect(fastest).toBeLessThanOrEqual(1.3);
    }
  }, 120_000);
});
