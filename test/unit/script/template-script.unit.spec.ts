import { describe, expect, it } from '@jest/globals';
import { BEAT_ACT } from '../../../src/domain/script/beats.js';
import { DomainError } from '../../../src/domain/shared/domain-error.js';
import { validateScript } from '../../../src/domain/script/script-check.js';
import type { Script, ScriptRequest } from '../../../src/domain/script/script.schema.js';
import { writeTemplateScript } from '../../../src/domain/script/template-script.js';
import { inSpot } from '../../../src/domain/script/template/slots.js';
import { containsCjk } from '../../../src/domain/script/vocabulary.js';

const ZH_PROMPT = '北京，2024 年，一个 996 的程序员遇见了设计部的同事…';
const EN_PROMPT = 'In Shanghai, 2031, an overworked programmer meets a designer at midnight';

const zhRequest: ScriptRequest = {
  prompt: ZH_PROMPT,
  episodes: 5,
  scenes_per_episode: 3,
  episode_duration_sec: 120,
};

const scenesOf = (script: Script) => script.episodes.flatMap((e) => e.scenes);
const linesOf = (script: Script) => scenesOf(script).flatMap((s) => s.dialogue.map((d) => d.line));

describe('writeTemplateScript', () => {
  it('writes the same script for the same request, and a different one for a different prompt', () => {
    const first = writeTemplateScript(zhRequest);
    expect(writeTemplateScript({ ...zhRequest })).toEqual(first);
    const other = writeTemplateScript({ ...zhRequest, prompt: '上海，一个外卖员爱上了咖啡馆的咖啡师' });
    expect(other).not.toEqual(first);
    expect(other.characters.map((c) => c.name)).not.toEqual(first.characters.map((c) => c.name));
  });

  it('turns the Chinese seed prompt into a Chinese story set in 北京 about a 程序员', () => {
    const script = writeTemplateScript(zhRequest);
    expect(script.language).toBe('zh');
    expect(script.episodes).toHaveLength(5);
    const lines = linesOf(script);
    expect(lines.every(containsCjk)).toBe(true);
    expect(lines.some((l) => l.includes('北京'))).toBe(true);
    expect(lines.some((l) => l.includes('程序员'))).toBe(true);
    expect(scenesOf(script).every((s) => s.location.startsWith('北京'))).toBe(true);

    const [lead, other] = script.characters;
    expect(lead?.description).toContain('996 的程序员');
    expect(other?.description).toContain('设计部的同事');
    for (const c of script.characters) expect(c.name).toMatch(/^[\u4e00-\u9fff]{2,3}$/);
    expect(new Set(script.characters.map((c) => c.name)).size).toBe(script.characters.length);
    expect(script.logline).toContain('2024 年的北京');

    for (const episode of script.episodes) {
      // Scene lengths follow their dialogue and add up to the episode's 120 s.
      expect(episode.scenes.reduce((sum, s) => sum + s.duration_sec, 0)).toBe(120);
      for (const scene of episode.scenes) {
        expect(scene.duration_sec).toBeGreaterThanOrEqual(25);
        expect(scene.duration_sec).toBeLessThanOrEqual(55);
        expect(scene.dialogue.length).toBeGreaterThanOrEqual(6);
        expect(scene.dialogue.length).toBeLessThanOrEqual(14);
        expect(scene.actions.length).toBeGreaterThan(0);
        expect(scene.visual_prompt).toContain(scene.location);
      }
    }
  });

  it('spreads the three acts and the key beats across the episodes', () => {
    const script = writeTemplateScript(zhRequest);
    const acts = script.episodes.map((e) => e.scenes.map((s) => BEAT_ACT[s.beat ?? 'opening']));
    expect(acts[0]).toEqual([1, 1, 1]);
    expect(acts[2]).toEqual([2, 2, 2]);
    expect(acts[4]).toEqual([3, 3, 3]);
    expect(acts.flat()).toEqual([...acts.flat()].sort());
    const beatsByEpisode = script.episodes.map((e) => e.scenes.map((s) => s.beat));
    expect(beatsByEpisode[0]).toContain('inciting_incident');
    expect(beatsByEpisode[2]).toContain('midpoint');
    expect(beatsByEpisode[3]).toContain('crisis');
    expect(beatsByEpisode[4]).toEqual(['climax', 'aftermath', 'resolution']);
    expect(scenesOf(script).at(-1)?.time_of_day).toBe('dawn');
  });

  it('writes an English prompt in English, with its place, time and roles', () => {
    const request: ScriptRequest = {
      prompt: EN_PROMPT,
      episodes: 2,
      scenes_per_episode: 4,
      episode_duration_sec: 90,
    };
    const script = writeTemplateScript(request);
    expect(script.language).toBe('en');
    const lines = linesOf(script);
    expect(lines.some(containsCjk)).toBe(false);
    expect(lines.some((l) => l.includes('Shanghai'))).toBe(true);
    expect(lines.some((l) => l.includes('programmer'))).toBe(true);
    expect(script.characters[0]?.description).toMatch(/^An overworked programmer/);
    expect(script.characters.every((c) => c.voice.startsWith('en-'))).toBe(true);
    expect(scenesOf(script)[0]?.time_of_day).toBe('night');
    expect(validateScript(script, request)).toEqual({ ok: true, script });
  });

  it('honours the request’s title, genre and language', () => {
    const script = writeTemplateScript({ ...zhRequest, title: '我的网剧', genre: '悬疑', language: 'en' });
    expect(script.title).toBe('我的网剧');
    expect(script.genre).toBe('悬疑');
    expect(script.language).toBe('en');
    expect(linesOf(script).some(containsCjk)).toBe(false);
  });

  it.each([
    [1, 1, 10],
    [1, 1, 3600],
    [1, 10, 10],
    [1, 10, 3600],
    [20, 1, 10],
    [20, 1, 3600],
    [20, 10, 10],
    [20, 10, 3600],
    [7, 3, 95],
  ])('writes a valid %i × %i script of %i s episodes', (episodes, perEpisode, duration) => {
    for (const prompt of [ZH_PROMPT, EN_PROMPT]) {
      const request: ScriptRequest = {
        prompt,
        episodes,
        scenes_per_episode: perEpisode,
        episode_duration_sec: duration,
      };
      const script = writeTemplateScript(request);
      const result = validateScript(script, request);
      expect(result).toEqual({ ok: true, script });
      for (const episode of script.episodes) {
        expect(episode.scenes.reduce((sum, s) => sum + s.duration_sec, 0)).toBe(duration);
        for (const scene of episode.scenes) {
          // At least one exchange; long scenes get as many as the schema allows.
          expect(scene.dialogue.length).toBeGreaterThanOrEqual(2);
          expect(scene.dialogue.length).toBeLessThanOrEqual(40);
        }
      }
      expect(scenesOf(script)[0]?.beat).toBe(perEpisode * episodes === 1 ? 'climax' : 'opening');
      expect(scenesOf(script).some((s) => s.dialogue.some((d) => d.line.length > 0))).toBe(true);
    }
  });

  it.each([
    ['one letter', 'x'],
    ['emoji only', '🙂🙂🙂'],
    ['an unknown role', '一个外星人来到了雾城'],
    ['a place after 在', '在小镇的书店里，一个女孩发现了一封旧信'],
    ['English, no place', 'a lonely astronaut'],
    ['English mystery', 'London, 1999. A chef and a detective, a murder in the kitchen.'],
    ['family roles', '爸爸和女儿，回老家过年的路上'],
    ['a genre word', '职场喜剧：实习生把老板拉进了相亲群'],
    ['2000 CJK characters', '北京'.repeat(1000)],
    ['2000 ASCII characters', 'a '.repeat(1000)],
  ])('writes a valid script for an odd prompt: %s', (_label, prompt) => {
    for (const genre of [undefined, '爱情', '悬疑', '职场', '喜剧', '家庭', 'comedy']) {
      const request: ScriptRequest = {
        prompt,
        ...(genre === undefined ? {} : { genre }),
        episodes: 3,
        scenes_per_episode: 4,
        episode_duration_sec: 60,
      };
      const script = writeTemplateScript(request);
      expect(validateScript(script, request)).toEqual({ ok: true, script });
    }
  });

  it('keeps the cast when only the size of the drama changes', () => {
    const small = writeTemplateScript(zhRequest);
    const large = writeTemplateScript({ ...zhRequest, episodes: 12, scenes_per_episode: 6 });
    expect(large.characters.map((c) => c.name)).toEqual(small.characters.map((c) => c.name));
  });

  it('rejects a request outside the limits with a coded error', () => {
    expect(() => writeTemplateScript({ ...zhRequest, episodes: 21 })).toThrow(DomainError);
    expect(() => writeTemplateScript({ ...zhRequest, prompt: '   ' })).toThrow(/invalid/);
  });
});

describe('template writer: the description as a source of roles', () => {
  it('reads "一个关于程序员的爱情故事" as a story about a programmer, not a person called "关于程序员"', () => {
    const script = writeTemplateScript({
      prompt: '北京，2024 年，一个 996 的程序员遇见...',
      description: '一个关于程序员的爱情故事',
      genre: '爱情',
      episodes: 1,
      scenes_per_episode: 2,
      episode_duration_sec: 20,
    });
    expect(JSON.stringify(script)).not.toContain('关于程序员');
  });
});

describe('inSpot', () => {
  it('puts a person on a platform or a rooftop, at a station, and in an office or a rooftop garden', () => {
    expect(inSpot('train platform')).toBe('on the train platform');
    expect(inSpot('rooftop')).toBe('on the rooftop');
    expect(inSpot('railway station')).toBe('at the railway station');
    expect(inSpot('open-plan office')).toBe('in the open-plan office');
    expect(inSpot('rooftop garden')).toBe('in the rooftop garden');
    expect(inSpot('the Bund')).toBe('in the Bund');
  });

  it("is what the English writer says of the lead's spot", () => {
    const script = writeTemplateScript({
      ...zhRequest,
      language: 'en',
      prompt: 'A paramedic waits on a train platform in the rain and meets a stranger with a red umbrella',
    });
    const text = JSON.stringify(script);
    expect(text).toContain('on the train platform');
    expect(text).not.toMatch(/in the train platform/);
  });
});
