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

describe('readPromptCues: the people, places and things a prompt names', () => {
  const entities = (prompt: string, language: 'zh' | 'en') => readPromptCues({ prompt }, language).entities;

  it('reads Chinese names with middle dots, compound surnames and 小/老 names, without the sentence after them', () => {
    expect(entities('欧阳纳兰·星辰·无忌在一家旧书店里发现了一本诗集，门铃响了 📚🔔', 'zh')).toEqual({
      people: ['欧阳纳兰·星辰·无忌'],
      places: ['旧书店'],
      things: [
        { text: '诗集', measure: '本' },
        { text: '门铃', measure: '个' },
      ],
    });
    expect(entities('慕容雪和诸葛明在图书馆为了最后一本《百年孤独》吵了起来', 'zh').people).toEqual([
      '慕容雪',
      '诸葛明',
    ]);
    expect(entities('北京后海，冬天的傍晚，外卖员小周把一把黑伞落在了酒吧门口', 'zh')).toMatchObject({
      people: ['小周'],
      places: ['后海', '酒吧'],
      things: [{ text: '黑伞', measure: '把' }],
    });
  });

  it('does not read a job as a thing or a place (外卖 in 外卖员, 大学 in 大学生), and marks weather as an event', () => {
    const cues = entities('上海，一个外卖员爱上了咖啡馆的咖啡师', 'zh');
    expect(cues.things).toEqual([]);
    expect(cues.places).toEqual(['咖啡馆']);
    expect(entities('一个女大学生拿着一部摔坏的旧手机', 'zh')).toMatchObject({
      places: [],
      things: [{ text: '旧手机', measure: '部' }],
    });
    expect(entities('消防员，一场暴雨', 'zh').things).toEqual([{ text: '暴雨', measure: '场', event: true }]);
  });

  it('reads English names, compound places and things with their modifiers', () => {
    expect(
      entities(
        'Jean-Luc Picard-Moreau, a retired pilot, teaches his granddaughter to fly a kite in Paris',
        'en',
      ),
    ).toMatchObject({
      people: ['Jean-Luc Picard-Moreau'],
      things: [{ text: 'kite' }],
    });
    expect(
      entities(
        'A paramedic waits on a train platform in the rain and meets a stranger with a red umbrella',
        'en',
      ),
    ).toMatchObject({ people: [], places: ['train platform'], things: [{ text: 'red umbrella' }] });
    expect(
      entities('a teenage runaway named Sam. Eleanor Whitfield runs the only bookstore', 'en').people,
    ).toEqual(['Sam', 'Eleanor Whitfield']);
    expect(entities('In New York, One foggy morning', 'en').people).toEqual([]);
  });
});

it('does not take a person who opens the prompt for its place', () => {
  const cues = readPromptCues(
    {
      prompt: 'Priya Raman, a software engineer, and Tom Becker, a delivery rider, get stuck in an elevator',
    },
    'en',
  );
  expect(cues.place).toBeUndefined();
  expect(cues.entities.people).toEqual(['Priya Raman', 'Tom Becker']);
  expect(cues.entities.places).toEqual(['elevator']);
});
