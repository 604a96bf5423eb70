import { describe, expect, it } from '@jest/globals';
import {
  estimateSpeechSec,
  neededDurationSec,
  parseTaskScript,
  voiceTaskLines,
} from '../../../src/domain/script/task-script.js';

describe('a video task script', () => {
  it('takes speaker labels off the words, and reads 旁白/Narrator as the unnamed narrator', () => {
    expect(
      parseTaskScript(
        '旁白：书店里很安静。\n欧阳纳兰·星辰·无忌：这本诗集是你的吗？\n小林: 不是，我只是看看。',
      ),
    ).toEqual([
      { speaker: null, text: '书店里很安静。' },
      { speaker: '欧阳纳兰·星辰·无忌', text: '这本诗集是你的吗？' },
      { speaker: '小林', text: '不是，我只是看看。' },
    ]);
    expect(parseTaskScript('Narrator: The train pulls in.\nDr. Chen: Where is she?')).toEqual([
      { speaker: null, text: 'The train pulls in.' },
      { speaker: 'Dr. Chen', text: 'Where is she?' },
    ]);
  });

  it('keeps prose, clock times and URLs whole: a colon there is no speaker', () => {
    expect(parseTaskScript('他说：“明天见。”')).toEqual([{ speaker: null, text: '他说：“明天见。”' }]);
    expect(parseTaskScript('10:30 the meeting starts.')).toEqual([
      { speaker: null, text: '10:30 the meeting starts.' },
    ]);
    expect(parseTaskScript('see https://example.com/a')).toEqual([
      { speaker: null, text: 'see https://example.com/a' },
    ]);
    expect(parseTaskScript('The plan was simple: wait. Then run.')).toEqual([
      { speaker: null, text: 'The plan was simple: wait.' },
      { speaker: null, text: 'Then run.' },
    ]);
  });

  it('splits a long line into sentences under the same speaker and drops empty lines', () => {
    expect(parseTaskScript('\n小王：我加班到深夜。屏幕上的代码还在滚动！明天就发布了？\n\n')).toEqual([
      { speaker: '小王', text: '我加班到深夜。' },
      { speaker: '小王', text: '屏幕上的代码还在滚动！' },
      { speaker: '小王', text: '明天就发布了？' },
    ]);
  });

  it('estimates speech at the local voices’ pace, erring long', () => {
    // Measured with the offline voices: 50 Han characters took 13.6–17.3 s; 135 Latin ones 7.8–9.1 s.
    const zh =
      '北京的冬天很冷，程序员小王每天加班到深夜。他揉了揉眼睛，看着屏幕上滚动的代码，心里想着明天的发布会。';
    expect(estimateSpeechSec(zh)).toBeGreaterThan(13.6);
    expect(estimateSpeechSec(zh)).toBeLessThan(20);
    const en =
      'The paramedic ran along the platform as the train pulled in. She had ninety seconds to reach the last carriage before the doors closed.';
    expect(estimateSpeechSec(en)).toBeGreaterThan(7.7);
    expect(estimateSpeechSec(en)).toBeLessThan(10);
    expect(neededDurationSec(parseTaskScript(`${zh}\n${zh}`))).toBeGreaterThan(2 * 13.6);
  });

  it('gives every speaker a voice of their own, the narrator too, and keeps a cast voice', () => {
    const lines = voiceTaskLines(
      parseTaskScript('旁白：夜深了。\n小林：你好。\n老周：你好啊。\n小林：再见。'),
      'zh',
      [{ name: '老周', gender: 'male', voice: 'zh-male-2' }],
    );
    const voiceOf = (speaker: string | null) => lines.find((l) => l.speaker === speaker)!.voice;
    expect(voiceOf('老周')).toBe('zh-male-2');
    expect(new Set([voiceOf(null), voiceOf('小林'), voiceOf('老周')]).size).toBe(3);
    expect(lines.filter((l) => l.speaker === '小林').map((l) => l.voice)).toEqual([
      voiceOf('小林'),
      voiceOf('小林'),
    ]);
  });
});
