import { describe, expect, it } from '@jest/globals';
import { validateScript } from '../../../src/domain/script/script-check.js';
import { repairScript } from '../../../src/domain/script/script-repair.js';
import type { Script, ScriptRequest } from '../../../src/domain/script/script.schema.js';
import { writeTemplateScript } from '../../../src/domain/script/template-script.js';

const request: ScriptRequest = {
  prompt: '杭州，一个摄影师遇见了一个咖啡师',
  episodes: 2,
  scenes_per_episode: 3,
  episode_duration_sec: 60,
};

type Loose = Record<string, unknown> & { characters: Loose[]; episodes: (Loose & { scenes: Loose[] })[] };
const nearMiss = () => structuredClone(writeTemplateScript(request)) as unknown as Loose;
const repaired = (raw: unknown) => {
  const result = validateScript(repairScript(raw, request), request);
  if (!result.ok) throw new Error(`still invalid: ${result.problems.join('; ')}`);
  return result.script;
};
const scenes = (script: Script) => script.episodes.flatMap((e) => e.scenes);

describe('repairScript', () => {
  it('leaves a valid script as it is', () => {
    const script = writeTemplateScript(request);
    expect(repaired(structuredClone(script))).toEqual(script);
  });

  it('reads numbers written as strings', () => {
    const raw = nearMiss();
    const durations = raw.episodes.flatMap((e) => e.scenes.map((s) => s.duration_sec));
    raw.episodes.forEach((e, i) => {
      e.number = String(i + 1);
      e.scenes.forEach((s) => (s.duration_sec = `${s.duration_sec as number}s`));
    });
    expect(scenes(repaired(raw)).map((s) => s.duration_sec)).toEqual(durations);
  });

  it('numbers episodes and scenes by their position when numbering is missing or wrong', () => {
    const raw = nearMiss();
    raw.episodes.forEach((e) => {
      delete e.number;
      e.scenes.forEach((s) => (s.number = 9));
    });
    const script = repaired(raw);
    expect(script.episodes.map((e) => e.number)).toEqual([1, 2]);
    expect(script.episodes[1]?.scenes.map((s) => s.number)).toEqual([1, 2, 3]);
  });

  it('fills missing voices and genders, keeping voices distinct', () => {
    const raw = nearMiss();
    raw.characters.forEach((c) => {
      delete c.voice;
      c.gender = c.gender === 'female' ? '女' : undefined;
    });
    const script = repaired(raw);
    expect(script.characters.every((c) => c.voice.startsWith('zh-'))).toBe(true);
    expect(new Set(script.characters.map((c) => c.voice)).size).toBe(script.characters.length);
    expect(script.characters.map((c) => c.gender)).toEqual(
      nearMiss().characters.map((c) => (c.gender === 'female' ? 'female' : 'unknown')),
    );
  });

  it.each([
    ['夜晚', 'night'],
    ['evening', 'dusk'],
    ['Night', 'night'],
    ['清晨', 'dawn'],
    ['afternoon', 'day'],
    ['深夜', 'night'],
    ['黄昏', 'dusk'],
  ])('maps the time of day "%s" to %s', (given, expected) => {
    const raw = nearMiss();
    (raw.episodes[0]?.scenes[0] as Loose).time_of_day = given;
    expect(repaired(raw).episodes[0]?.scenes[0]?.time_of_day).toBe(expected);
  });

  it('trims surplus episodes and scenes', () => {
    const raw = nearMiss();
    raw.episodes.push(structuredClone(raw.episodes[0]) as (typeof raw.episodes)[number]);
    raw.episodes[0]?.scenes.push(structuredClone(raw.episodes[0].scenes[0]) as Loose);
    const script = repaired(raw);
    expect(script.episodes).toHaveLength(2);
    expect(script.episodes[0]?.scenes).toHaveLength(3);
  });

  it('rescales scene durations so each episode adds up exactly, in whole seconds', () => {
    const raw = nearMiss();
    raw.episodes[0]?.scenes.forEach((s, i) => (s.duration_sec = [1, 2, 3][i]));
    raw.episodes[1]?.scenes.forEach((s, i) => (s.duration_sec = [30, 'about forty', 25.5][i]));
    const script = repaired(raw);
    expect(script.episodes[0]?.scenes.map((s) => s.duration_sec)).toEqual([10, 20, 30]);
    const second = script.episodes[1]?.scenes.map((s) => s.duration_sec) ?? [];
    expect(second.reduce((a, b) => a + b, 0)).toBe(60);
    expect(second.every(Number.isInteger)).toBe(true);
  });

  it('drops lines by unknown speakers and resolves a speaker written with a note', () => {
    const raw = nearMiss();
    const first = raw.episodes[0]?.scenes[0] as unknown as { dialogue: Record<string, unknown>[] };
    const name = String(raw.characters[0]?.name);
    first.dialogue.push(
      { character: '路人甲', line: '借过一下。' },
      { speaker: `${name}（内心）`, text: '别慌。' },
    );
    const scene = repaired(raw).episodes[0]?.scenes[0];
    expect(scene?.dialogue.some((d) => d.character === '路人甲')).toBe(false);
    expect(scene?.dialogue.at(-1)).toEqual({ character: name, line: '别慌。' });
  });

  it('accepts camelCase keys, "name: line" strings and JSON wrapped in a code fence', () => {
    const raw = nearMiss();
    const name = String(raw.characters[0]?.name);
    const scene = raw.episodes[0]?.scenes[0] as Loose;
    scene.timeOfDay = scene.time_of_day;
    scene.durationSec = scene.duration_sec;
    const duration = scene.duration_sec;
    scene.visualPrompt = scene.visual_prompt;
    delete scene.time_of_day;
    delete scene.duration_sec;
    delete scene.visual_prompt;
    scene.dialogue = [`${name}：今天的光刚刚好。`];
    const text = `Here is the script:\n\`\`\`json\n${JSON.stringify(raw)}\n\`\`\``;
    const fixed = repaired(text).episodes[0]?.scenes[0];
    expect(fixed?.dialogue).toEqual([{ character: name, line: '今天的光刚刚好。' }]);
    expect(fixed?.duration_sec).toBe(duration);
  });

  it('never invents a missing episode: it stays a problem to report', () => {
    const raw = nearMiss();
    raw.episodes.pop();
    const fixed = repairScript(raw, request) as { episodes: unknown[] };
    expect(fixed.episodes).toHaveLength(1);
    const result = validateScript(fixed, request);
    expect(result).toEqual({ ok: false, problems: ['write exactly 2 episodes (got 1)'] });
  });

  it('never invents a missing scene either', () => {
    const raw = nearMiss();
    raw.episodes[1]?.scenes.pop();
    const result = validateScript(repairScript(raw, request), request);
    expect(result).toEqual({ ok: false, problems: ['episode 2: write exactly 3 scenes (got 2)'] });
  });

  it('returns what it cannot read untouched, for validation to reject', () => {
    expect(repairScript('not json at all', request)).toBe('not json at all');
    expect(validateScript(repairScript(null, request), request).ok).toBe(false);
  });
});
