import { describe, expect, it } from '@jest/globals';
import {
  escapeAssText,
  formatTimestamp,
  subtitleLayout,
  toAss,
  toSrt,
  toVtt,
  type Cue,
} from '../../../src/infrastructure/media/subtitles.js';
import { textColumns } from '../../../src/infrastructure/media/text-wrap.js';
import { parseSubtitles } from '../../support/media.js';

const cues: Cue[] = [
  { startSec: 0.5, endSec: 2.25, speaker: '林晓', text: '你好，我是新来的程序员。' },
  { startSec: 3, endSec: 3661.0005, text: 'A <b>bold</b> & "quoted" line' },
];

describe('subtitle timestamps', () => {
  it('formats hours, minutes, seconds and milliseconds with the format’s separator', () => {
    expect(formatTimestamp(3661.5, ',')).toBe('01:01:01,500');
    expect(formatTimestamp(0.0004, '.')).toBe('00:00:00.000');
    expect(formatTimestamp(59.9996, '.')).toBe('00:01:00.000');
  });
});

describe('toSrt', () => {
  it('numbers cues, prefixes the speaker and parses back to the same timings', () => {
    const srt = toSrt(cues);
    expect(srt.startsWith('1\n00:00:00,500 --> 00:00:02,250\n林晓：你好，我是新来的程序员。\n')).toBe(true);
    const parsed = parseSubtitles(srt, 'srt');
    expect(parsed.map((c) => [c.startSec, c.endSec])).toEqual([
      [0.5, 2.25],
      [3, 3661.001],
    ]);
  });

  it('cannot be broken by text: blank lines are dropped and tags are neutralised', () => {
    const srt = toSrt([{ startSec: 0, endSec: 1, text: 'one\n\n\ntwo <i>x</i>' }]);
    expect(srt).toBe('1\n00:00:00,000 --> 00:00:01,000\none\ntwo ＜i＞x＜/i＞\n');
  });

  it('wraps to the given width when asked', () => {
    const srt = toSrt([{ startSec: 0, endSec: 1, text: '这是一句很长很长的中文字幕需要换行显示出来' }], {
      maxColumns: 20,
    });
    const textLines = srt.trim().split('\n').slice(2);
    expect(textLines.length).toBe(3);
    expect(textLines.join('')).toBe('这是一句很长很长的中文字幕需要换行显示出来');
  });
});

describe('toVtt', () => {
  it('has the header, voice spans and escaped markup', () => {
    const vtt = toVtt(cues);
    expect(
      vtt.startsWith('WEBVTT\n\n00:00:00.500 --> 00:00:02.250\n<v 林晓>你好，我是新来的程序员。\n'),
    ).toBe(true);
    expect(vtt).toContain('A &lt;b&gt;bold&lt;/b&gt; &amp; "quoted" line');
    expect(parseSubtitles(vtt, 'vtt')).toHaveLength(2);
  });

  it('never lets text close a cue timing early', () => {
    const vtt = toVtt([{ startSec: 0, endSec: 1, text: 'a --> b' }]);
    expect(vtt).toContain('a --&gt; b');
  });
});

describe('toAss', () => {
  it('declares the frame size and the font, and writes one Dialogue event per cue', () => {
    const ass = toAss(cues, { width: 720, height: 1280, fontName: 'Noto Sans S Chinese' });
    expect(ass).toContain('PlayResX: 720\nPlayResY: 1280');
    expect(ass).toMatch(/^Style: Dialogue,Noto Sans S Chinese,\d+,/m);
    expect(ass.match(/^Dialogue: 0,/gm)).toHaveLength(2);
    expect(ass).toContain('Dialogue: 0,0:00:00.50,0:00:02.25,Dialogue,林晓,');
    expect(ass).toContain('1:01:01.00,Dialogue,,');
  });

  it('colours the speaker name and escapes override syntax in text', () => {
    const ass = toAss([{ startSec: 0, endSec: 1, speaker: 'A,B', text: 'x {\\b1} \\N y' }], {
      width: 1280,
      height: 720,
      fontName: 'F',
    });
    const event = ass.split('\n').find((l) => l.startsWith('Dialogue: 0,')) as string;
    expect(event).toContain(',Dialogue,A，B,');
    expect(event).toContain('{\\c&H60D8FF&}A,B：{\\r}x ｛\\\u2060b1｝ \\\u2060N y');
  });

  it('writes heading and narration overlays with their own styles', () => {
    const ass = toAss([], {
      width: 1280,
      height: 720,
      fontName: 'F',
      overlays: [
        { startSec: 0, endSec: 5, text: '第1集 第2场', kind: 'heading' },
        { startSec: 0, endSec: 5, text: '旁白', kind: 'narration' },
      ],
    });
    expect(ass).toContain(',Heading,,0,0,0,,第1集 第2场');
    expect(ass).toContain(',Narration,,0,0,0,,旁白');
  });

  it('breaks long CJK lines with \\N within the layout width, narrower for vertical video', () => {
    const text = '可是测试还没有跑完，数据库迁移也还没验证，我们今晚恐怕上不了线，明天早上再发布吧。';
    const lines = (width: number, height: number) => {
      const event = toAss([{ startSec: 0, endSec: 1, text }], { width, height, fontName: 'F' })
        .split('\n')
        .find((l) => l.startsWith('Dialogue: 0,')) as string;
      const parts = event.split(',,').at(-1)?.split('\\N') ?? [];
      const limit = subtitleLayout(width, height).maxColumns + 2; // one hanging punctuation mark
      for (const part of parts) expect(textColumns(part)).toBeLessThanOrEqual(limit);
      return parts.length;
    };
    expect(lines(1280, 720)).toBe(2);
    expect(lines(720, 1280)).toBe(4); // larger type on a phone: 4.5 % of the height
  });
});

describe('escapeAssText', () => {
  it('turns newlines into \\N and leaves plain text alone', () => {
    expect(escapeAssText('一\n二')).toBe('一\\N二');
    expect(escapeAssText('plain 文本')).toBe('plain 文本');
  });
});

describe('subtitleLayout', () => {
  it('gives vertical video fewer columns per line and a higher margin', () => {
    const wide = subtitleLayout(1280, 720);
    const tall = subtitleLayout(720, 1280);
    expect(tall.maxColumns).toBeLessThan(wide.maxColumns);
    expect(tall.marginV).toBeGreaterThan(wide.marginV);
  });

  it('sizes dialogue by the frame height: at least 4.5 % of it in both aspects and at 1080p', () => {
    for (const [width, height] of [
      [1280, 720],
      [720, 1280],
      [1920, 1080],
      [1080, 1920],
    ] as const) {
      const { fontSize, maxColumns } = subtitleLayout(width, height);
      expect([width, height, fontSize / height]).toEqual([width, height, expect.any(Number)]);
      expect(fontSize / height).toBeGreaterThanOrEqual(0.045);
      // …and still at least eight CJK characters to a line.
      expect(maxColumns).toBeGreaterThanOrEqual(16);
    }
  });
});
