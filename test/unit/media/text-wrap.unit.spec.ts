import { describe, expect, it } from '@jest/globals';
import {
  hasReadableText,
  splitIntoPieces,
  textColumns,
  withoutEmoji,
  wrapBalanced,
  wrapText,
} from '../../../src/infrastructure/media/text-wrap.js';

describe('textColumns', () => {
  it('counts CJK characters and full-width punctuation as two columns', () => {
    expect(textColumns('abc')).toBe(3);
    expect(textColumns('中文')).toBe(4);
    expect(textColumns('好，')).toBe(4);
    expect(textColumns('……')).toBe(4);
  });
});

describe('wrapText', () => {
  it('breaks Chinese between any two characters within the width', () => {
    const lines = wrapText('一二三四五六七八九十', 8);
    expect(lines).toEqual(['一二三四', '五六七八', '九十']);
  });

  it('never starts a line with closing punctuation: it hangs at the end of the previous line', () => {
    const lines = wrapText('一二三四，五六', 8);
    expect(lines[0]).toBe('一二三四，');
    expect(lines[1]).toBe('五六');
  });

  it('never ends a line with an opening bracket', () => {
    const lines = wrapText('一二三「四五」', 8);
    expect(lines[0]).toBe('一二三');
    expect(lines[1]?.startsWith('「')).toBe(true);
  });

  it('keeps English words whole and breaks at spaces', () => {
    expect(wrapText('the quick brown fox jumps', 10)).toEqual(['the quick', 'brown fox', 'jumps']);
  });

  it('splits a word longer than a line', () => {
    expect(wrapText('abcdefghijkl', 5)).toEqual(['abcde', 'fghij', 'kl']);
  });

  it('mixes scripts and keeps explicit newlines', () => {
    expect(wrapText('AI工程师\n第二行', 40)).toEqual(['AI工程师', '第二行']);
  });
});

describe('splitIntoPieces', () => {
  it('returns one piece when the text fits', () => {
    expect(splitIntoPieces('你好。', 20, 2)).toEqual(['你好。']);
  });

  it('cuts after clause punctuation so each piece fits in the allowed lines', () => {
    const text = '可是测试还没有跑完，数据库迁移也还没验证，我们今晚恐怕上不了线，明天再说吧。';
    const pieces = splitIntoPieces(text, 20, 1);
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) expect(wrapText(piece, 20)).toHaveLength(1);
    expect(pieces.join('')).toBe(text);
  });

  it('returns nothing for blank text', () => {
    expect(splitIntoPieces('  ', 20, 2)).toEqual([]);
  });
});

describe('subtitle text', () => {
  it('wraps into even lines instead of a full line and an orphan', () => {
    expect(wrapText('我们都是普通的上班族。', 18)).toEqual(['我们都是普通的上班', '族。']);
    expect(wrapBalanced('我们都是普通的上班族。', 18)).toEqual(['我们都是普', '通的上班族。']); // 。 hangs
    const english = 'The ambulance is late again and the platform is full of people';
    const lines = wrapBalanced(english, 40);
    expect(lines).toHaveLength(2);
    expect(Math.abs(lines[0]!.length - lines[1]!.length)).toBeLessThanOrEqual(12);
    expect(wrapBalanced('短句。', 18)).toEqual(['短句。']);
  });

  it('drops emoji (the font has none) and knows when nothing readable is left', () => {
    expect(withoutEmoji('太好了😱🔥！')).toBe('太好了！');
    expect(withoutEmoji('Family 👨‍👩‍👧 time 👍🏽')).toBe('Family time');
    expect(hasReadableText(withoutEmoji('” 😱🔥'))).toBe(false);
    expect(hasReadableText('123')).toBe(true);
  });
});
