import { describe, expect, it } from '@jest/globals';
import {
  checkScriptAgainstRequest,
  scriptQualityProblems,
  validateScript,
} from '../../../src/domain/script/script-check.js';
import { scriptSchema, type Script, type ScriptRequest } from '../../../src/domain/script/script.schema.js';
import { writeTemplateScript } from '../../../src/domain/script/template-script.js';

const request: ScriptRequest = {
  prompt: '上海，一个律师和一个厨师',
  episodes: 2,
  scenes_per_episode: 3,
  episode_duration_sec: 60,
};
const valid = () => structuredClone(writeTemplateScript(request));

describe('the script schema and checkScriptAgainstRequest', () => {
  it('accepts the template writer’s script with no problems', () => {
    const script = valid();
    expect(scriptSchema.parse(script)).toEqual(script);
    expect(checkScriptAgainstRequest(script, request)).toEqual([]);
  });

  it('names each way a script misses the request, in sentences an LLM can act on', () => {
    const script: Script = valid();
    script.episodes.pop();
    script.episodes[0]?.scenes.pop();
    const scene = script.episodes[0]?.scenes[0];
    if (scene) scene.duration_sec = 5;
    const total = script.episodes[0]?.scenes.reduce((sum, s) => sum + s.duration_sec, 0);
    const problems = checkScriptAgainstRequest(script, request);
    expect(problems).toEqual([
      'write exactly 2 episodes (got 1)',
      'episode 1: write exactly 3 scenes (got 2)',
      `episode 1: scene durations add up to ${total} s; they must add up to 60 s`,
    ]);
    expect(total).not.toBe(60);
  });

  it('tolerates a second of rounding in an episode’s length, not more', () => {
    const script = valid();
    const scenes = script.episodes[0]?.scenes ?? [];
    (scenes[0] as { duration_sec: number }).duration_sec += 0.9;
    expect(checkScriptAgainstRequest(script, request)).toEqual([]);
    (scenes[0] as { duration_sec: number }).duration_sec += 0.2;
    expect(checkScriptAgainstRequest(script, request)).toHaveLength(1);
  });

  it('finds unknown speakers, duplicate names, bad numbering and the wrong language', () => {
    const script = valid();
    const [first, second] = script.characters;
    if (first && second) second.name = first.name;
    const scene = script.episodes[1]?.scenes[2];
    scene?.dialogue.push({ character: '路人甲', line: '我是谁？' });
    if (script.episodes[1]) script.episodes[1].number = 7;
    script.language = 'en';
    const problems = checkScriptAgainstRequest(script, request);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('is used twice'),
        expect.stringMatching(/^episode 2, scene 3, line \d+: speaker "路人甲" is not one of the characters/),
        'episode 2 is numbered 7; number episodes 1, 2, 3… in order',
        'the script is marked "en" but must be written in "zh"',
        'the dialogue must be written in English',
      ]),
    );
  });

  it('is enforced by the schema too, so a parsed script is always consistent', () => {
    const script = valid();
    const dialogue = script.episodes[0]?.scenes[0]?.dialogue ?? [];
    dialogue.push({ character: 'Nobody', line: 'Hi' });
    const result = scriptSchema.safeParse(script);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([
      'episodes',
      0,
      'scenes',
      0,
      'dialogue',
      dialogue.length - 1,
      'character',
    ]);
  });

  it('validateScript reports schema failures with their path', () => {
    const script = valid() as unknown as Record<string, unknown>;
    delete script.title;
    const result = validateScript({ ...script, language: 'fr' }, request);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/^title: /), expect.stringMatching(/^language: /)]),
    );
  });
});

describe('scriptQualityProblems', () => {
  const base = () => writeTemplateScript({ ...request, prompt: '一个程序员遇见了设计师' });

  it('finds nothing in a script the offline writer wrote', () => {
    expect(scriptQualityProblems(base())).toEqual([]);
  });

  it('names a noun repeated as its own pair, in Chinese and English', () => {
    const script = base();
    const line = script.episodes[0]!.scenes[0]!.dialogue[0]!;
    line.line = '一个程序员，一个程序员，本来就该互补。';
    expect(scriptQualityProblems(script)).toEqual([
      'episode 1, scene 1, line 1: "一个程序员，一个程序员" repeats a noun as its own pair',
    ]);
    const en = writeTemplateScript({ ...request, prompt: 'a nurse meets a nurse' });
    en.episodes[0]!.scenes[0]!.dialogue[0]!.line = 'A nurse and a nurse.';
    expect(scriptQualityProblems(en)).toEqual([
      'episode 1, scene 1, line 1: "A nurse and a nurse" repeats a noun as its own pair',
    ]);
  });

  it('names an English place one is on or at, written as in ("in the train platform")', () => {
    const en = writeTemplateScript({ ...request, prompt: 'a paramedic waits on a train platform' });
    expect(scriptQualityProblems(en)).toEqual([]);
    en.episodes[0]!.summary = 'She is the last one left in the train platform again.';
    en.episodes[0]!.scenes[0]!.dialogue[0]!.line = 'Meet me in the old pier at nine.';
    expect(scriptQualityProblems(en)).toEqual([
      'episode 1, scene 1: "in the old pier" (one is on or at such a place, not in it)',
      'episode 1: "in the train platform" (one is on or at such a place, not in it)',
    ]);
    en.episodes[0]!.summary = 'They have dinner in the rooftop garden.';
    en.episodes[0]!.scenes[0]!.dialogue[0]!.line = 'On the platform, not in it.';
    expect(scriptQualityProblems(en)).toEqual([]);
  });

  it('names someone who speaks only once, and night talk in a day scene', () => {
    const script = base();
    const scene = script.episodes[0]!.scenes[0]!;
    const friend = script.characters[2]!.name;
    for (const s of script.episodes.flatMap((e) => e.scenes)) {
      s.dialogue = s.dialogue.filter((d) => d.character !== friend);
    }
    scene.dialogue.push({ character: friend, line: '大家都回家睡觉了，今晚就剩我们。' });
    scene.time_of_day = 'day';
    expect(scriptQualityProblems(script)).toEqual([
      'episode 1, scene 1: set at day, but its dialogue says "回家睡觉"',
      `${friend} speaks only once in the whole drama`,
    ]);
  });
});
