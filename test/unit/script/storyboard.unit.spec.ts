import { describe, expect, it } from '@jest/globals';
import type { Scene } from '../../../src/domain/script/script.schema.js';
import { buildStoryboard, shotCount, shotSchema } from '../../../src/domain/script/storyboard.js';
import { writeTemplateScript } from '../../../src/domain/script/template-script.js';

const script = writeTemplateScript({
  prompt: '北京，2024 年，一个 996 的程序员遇见了设计部的同事…',
  episodes: 5,
  scenes_per_episode: 3,
  episode_duration_sec: 120,
});
const scenes = script.episodes.flatMap((e) => e.scenes);
const first = scenes[0] as Scene;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('buildStoryboard', () => {
  it.each([1, 5, 10, 33, 40, 59, 120, 600, 3600, 33.3, 0.5, 12.75])(
    'splits a %p s scene into shots that add up to exactly its duration',
    (duration) => {
      const shots = buildStoryboard({ ...first, duration_sec: duration }, { aspect_ratio: '16:9' });
      expect(sum(shots.map((s) => s.duration_sec))).toBe(duration);
      expect(shots.every((s) => s.duration_sec > 0)).toBe(true);
      expect(shots.map((s) => s.number)).toEqual(shots.map((_, i) => i + 1));
      for (const shot of shots) expect(shotSchema.parse(shot)).toEqual(shot);
    },
  );

  it('adds shots as a scene gets longer, about one every six seconds', () => {
    const counts = [1, 6, 10, 20, 40, 120, 3600].map(shotCount);
    expect(counts).toEqual([1, 1, 2, 3, 7, 20, 600]);
    const shots = buildStoryboard({ ...first, duration_sec: 40 }, { aspect_ratio: '16:9' });
    expect(shots.every((s) => s.duration_sec >= 5 && s.duration_sec <= 6)).toBe(true);
  });

  it('is deterministic', () => {
    for (const scene of scenes) {
      expect(buildStoryboard(scene, { aspect_ratio: '9:16' })).toEqual(
        buildStoryboard(structuredClone(scene), { aspect_ratio: '9:16' }),
      );
    }
  });

  it('opens wide, follows who is speaking, and frames for the aspect ratio', () => {
    const wide = buildStoryboard(first, { aspect_ratio: '16:9' });
    const tall = buildStoryboard(first, { aspect_ratio: '9:16' });
    expect(wide[0]?.framing).toBe('wide');
    expect(wide[0]?.camera).toMatch(/^pan /);
    expect(tall[0]?.camera).toBe('tilt up');
    expect(wide[1]?.framing).toBe('two-shot');
    expect(wide.some((s) => s.framing === 'close-up' || s.framing === 'over-the-shoulder')).toBe(true);
    const speakers = new Set(first.dialogue.map((d) => d.character));
    expect([...speakers].every((name) => wide.some((s) => s.visual_prompt.includes(name)))).toBe(true);
    expect(wide.every((s) => s.visual_prompt.includes('16:9'))).toBe(true);
    expect(tall.every((s) => s.visual_prompt.includes('9:16'))).toBe(true);
  });

  it('lights each scene for its time of day and place', () => {
    const office = buildStoryboard(first, { aspect_ratio: '16:9' })[0]?.lighting;
    expect(first.time_of_day).toBe('night');
    expect(office).toMatch(/lamps|screen/);
    const last = scenes.at(-1) as Scene;
    expect(last.time_of_day).toBe('dawn');
    expect(buildStoryboard(last, { aspect_ratio: '16:9' })[0]?.lighting).toMatch(/dawn/);
    const street = { ...first, location: '北京·后海湖边', time_of_day: 'night' as const };
    expect(buildStoryboard(street, { aspect_ratio: '16:9' })[0]?.lighting).toMatch(/street lamps/);
  });

  it('shoots a tense beat handheld and closes a climax on a face', () => {
    const climax = scenes.find((s) => s.beat === 'climax') as Scene;
    const shots = buildStoryboard(climax, { aspect_ratio: '16:9' });
    expect(shots.some((s) => s.camera === 'handheld')).toBe(true);
    expect(shots.at(-1)?.framing).toBe('close-up');
  });
});
