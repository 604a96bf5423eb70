import { describe, expect, it } from '@jest/globals';
import { VOICE_IDS, assignVoices, isVoiceId } from '../../../src/domain/script/voices.js';

describe('assignVoices', () => {
  it('gives a four-person Chinese cast four distinct voices that match their genders', () => {
    const cast = assignVoices(
      [
        { name: '林浩然', gender: 'male' as const },
        { name: '沈若溪', gender: 'female' as const },
        { name: '周晓雯', gender: 'female' as const },
        { name: '陈明远', gender: 'male' as const },
      ],
      'zh',
    );
    expect(cast.map((c) => c.voice)).toEqual(['zh-male-1', 'zh-female-1', 'zh-female-2', 'zh-male-2']);
  });

  it('gives an English cast English voices, distinct while they last', () => {
    const voices = assignVoices(
      [
        { name: 'Ethan', gender: 'male' as const },
        { name: 'Emma', gender: 'female' as const },
        { name: 'Sam', gender: 'unknown' as const },
        { name: 'Grace', gender: 'female' as const },
      ],
      'en',
    ).map((c) => c.voice);
    expect(new Set(voices).size).toBe(4);
    expect(voices.every((v) => v.startsWith('en-'))).toBe(true);
  });

  it('follows age hints: the elder and child voices', () => {
    const cast = assignVoices(
      [
        { name: '王奶奶', gender: 'female' as const, role: '奶奶' },
        { name: '小宝', gender: 'male' as const, description: '一个 8 岁的男孩' },
        { name: 'Grandpa Joe', gender: 'male' as const, description: 'a 70-year-old retired cook' },
      ],
      'zh',
    );
    expect(cast.map((c) => c.voice)).toEqual(['zh-elder-female', 'zh-child', 'zh-elder']);
  });

  it('lets a fourth man over forty take the elder voice rather than share one', () => {
    const cast = assignVoices(
      [
        { name: '甲', gender: 'male' as const },
        { name: '乙', gender: 'male' as const },
        { name: '丙', gender: 'male' as const },
        { name: '丁', gender: 'male' as const, description: '部门总监，46 岁' },
      ],
      'zh',
    );
    expect(cast.map((c) => c.voice)).toEqual(['zh-male-1', 'zh-male-2', 'zh-male-3', 'zh-elder']);
  });

  it('gives three women and three men six different voices, in Chinese and in English', () => {
    for (const language of ['zh', 'en'] as const) {
      const cast = assignVoices(
        (['female', 'male'] as const).flatMap((gender) =>
          [1, 2, 3].map((i) => ({ name: `${gender}${i}`, gender })),
        ),
        language,
      );
      expect(new Set(cast.map((c) => c.voice)).size).toBe(6);
      for (const c of cast) expect(c.voice).toContain(`${language}-${c.gender}-`);
    }
  });

  it('keeps a valid preset voice of the right language and replaces the rest', () => {
    const cast = assignVoices(
      [
        { name: 'A', gender: 'female' as const, voice: 'zh-female-2' },
        { name: 'B', gender: 'female' as const, voice: 'en-female-1' },
        { name: 'C', gender: 'female' as const, voice: 'nonsense' },
      ],
      'zh',
    );
    expect(cast.map((c) => c.voice)).toEqual(['zh-female-2', 'zh-female-1', 'zh-female-3']);
  });

  it('is deterministic and only ever returns known voice ids', () => {
    const people = Array.from({ length: 12 }, (_, i) => ({
      name: `p${i}`,
      gender: (['female', 'male', 'unknown'] as const)[i % 3] ?? 'unknown',
    }));
    const first = assignVoices(people, 'zh');
    expect(assignVoices(people, 'zh')).toEqual(first);
    expect(first.every((c) => isVoiceId(c.voice))).toBe(true);
    expect(VOICE_IDS).toHaveLength(15);
  });
});
