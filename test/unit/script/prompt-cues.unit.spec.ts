import { describe, expect, it } from '@jest/globals';
import { readPromptCues } from '../../../src/domain/script/template/prompt-cues.js';

const roles = (prompt: string, language: 'zh' | 'en') =>
  readPromptCues({ prompt }, language).roles.map((r) => [r.role.key, r.phrase ?? null, r.gender ?? null]);

describe('readPromptCues', () => {
  it('reads place, year, roles and genre from the seed prompt', () => {
    const cues = readPromptCues({ prompt: '北京，2024 年，一个 996 的程序员遇见了设计部的同事…' }, 'zh');
    expect(cues.place).toBe('北京');
    expect(cues.year).toBe('2024');
    expect(cues.genre).toBe('romance');
    expect(roles('北京，2024 年，一个 996 的程序员遇见了设计部的同事…', 'zh')).toEqual([
      ['programmer', '996 的程序员', null],
      ['designer', '设计部的同事', null],
    ]);
  });

  it('reads times of day, genders and places named after 在 or 来到', () => {
    const night = readPromptCues({ prompt: '深圳，深夜，一个女程序员和一个外卖小哥' }, 'zh');
    expect(night.timeOfDay).toBe('night');
    expect(roles('深圳，深夜，一个女程序员和一个外卖小哥', 'zh')).toEqual([
      ['programmer', '女程序员', 'female'],
      ['courier', '外卖小哥', null],
    ]);
    expect(readPromptCues({ prompt: '一个外星人来到了雾城' }, 'zh').place).toBe('雾城');
    expect(readPromptCues({ prompt: '在小镇的书店里，一个女孩发现了一封旧信' }, 'zh').place).toBe('小镇');
    expect(roles('一个外星人来到了雾城', 'zh')).toEqual([['custom:外星人', '外星人', null]]);
  });

  it('reads English prompts', () => {
    const cues = readPromptCues({ prompt: 'In New York at midnight, a lonely astronaut meets a chef' }, 'en');
    expect(cues.place).toBe('New York');
    expect(cues.timeOfDay).toBe('night');
    expect(roles('In New York at midnight, a lonely astronaut meets a chef', 'en')).toEqual([
      ['custom:astronaut', 'a lonely astronaut', null],
      ['chef', 'a chef', null],
    ]);
    expect(roles('a programmer meets a designer', 'en')).toEqual([
      ['programmer', 'a programmer', null],
      ['designer', 'a designer', null],
    ]);
    expect(readPromptCues({ prompt: 'London, 1999. A chef and a detective, a murder.' }, 'en')).toMatchObject(
      {
        place: 'London',
        year: '1999',
        genre: 'mystery',
      },
    );
  });

  it('lets an explicit genre win over the prompt’s words', () => {
    expect(readPromptCues({ prompt: '一个程序员遇见了设计师', genre: '悬疑' }, 'zh').genre).toBe('mystery');
    expect(readPromptCues({ prompt: 'a murder mystery', genre: 'Comedy' }, 'en').genre).toBe('comedy');
    expect(readPromptCues({ prompt: 'nothing in particular' }, 'en').genre).toBe('romance');
  });
});
