import { describe, expect, it } from '@jest/globals';
import {
  LOCAL_VOICES,
  pickVoice,
  stableHash,
  voiceTraits,
} from '../../../src/infrastructure/media/voices.js';

describe('LOCAL_VOICES', () => {
  it('has unique ids and unique espeak settings, so no two voices sound the same', () => {
    const ids = LOCAL_VOICES.map((v) => v.id);
    expect(new Set(ids).size).toBe(ids.length);
    const settings = LOCAL_VOICES.map((v) => `${v.espeakVoice}/${v.pitch}/${v.speed}`);
    expect(new Set(settings).size).toBe(settings.length);
  });

  it('speaks Mandarin through the cmn voice (real Mandarin phonemes), never zh or pinyin names', () => {
    for (const voice of LOCAL_VOICES.filter((v) => v.language === 'zh')) {
      expect(voice.espeakVoice).toMatch(/^cmn\+[\w]+$/);
    }
  });

  it('includes the ids the pipeline relies on', () => {
    const ids = LOCAL_VOICES.map((v) => v.id);
    for (const id of [
      'zh-female-1',
      'zh-male-1',
      'zh-female-2',
      'zh-male-2',
      'zh-elder',
      'zh-child',
      'en-female-1',
      'en-male-1',
    ]) {
      expect(ids).toContain(id);
    }
  });
});

describe('voiceTraits', () => {
  it('reads gender, age and narrator from Chinese and English hints', () => {
    expect(voiceTraits('女主')).toEqual({ gender: 'female' });
    expect(voiceTraits('男二号')).toEqual({ gender: 'male' });
    expect(voiceTraits('奶奶')).toEqual({ age: 'elder', gender: 'female' });
    expect(voiceTraits('老板')).toEqual({});
    expect(voiceTraits('小朋友')).toEqual({ age: 'child' });
    expect(voiceTraits('旁白')).toEqual({ narrator: true });
    expect(voiceTraits('the female lead')).toEqual({ gender: 'female' });
    expect(voiceTraits('male')).toEqual({ gender: 'male' });
    expect(voiceTraits(undefined)).toEqual({});
  });
});

describe('pickVoice', () => {
  it('is deterministic: the same character always gets the same voice', () => {
    const first = pickVoice('林晓', '女主', 'zh');
    for (let i = 0; i < 5; i++) expect(pickVoice('林晓', '女主', 'zh').id).toBe(first.id);
    expect(stableHash('林晓')).toBe(stableHash('林晓'));
  });

  it('respects the hint and the language', () => {
    expect(pickVoice('林晓', '女', 'zh')).toMatchObject({ language: 'zh', gender: 'female', age: 'adult' });
    expect(pickVoice('王总', 'male boss', 'zh')).toMatchObject({ language: 'zh', gender: 'male' });
    expect(pickVoice('老张', '爷爷', 'zh').id).toBe('zh-elder');
    expect(pickVoice('豆豆', '孩子', 'zh').id).toBe('zh-child');
    expect(pickVoice('Narrator', 'narrator', 'en').id).toBe('en-narrator');
    expect(pickVoice('Anna', 'woman', 'en')).toMatchObject({ language: 'en', gender: 'female' });
  });

  it('avoids voices already taken by other characters while others remain', () => {
    const taken: string[] = [];
    for (const name of ['甲', '乙', '丙']) taken.push(pickVoice(name, '女', 'zh', taken).id);
    expect(new Set(taken).size).toBe(3);
  });

  it('falls back to a voice of the language when no voice matches the hint', () => {
    expect(pickVoice('X', 'robot', 'en').language).toBe('en');
  });
});
