import { describe, expect, it } from '@jest/globals';
import {
  cuesForTimeline,
  layoutDialogue,
  requiredSpeedup,
} from '../../../src/infrastructure/media/dialogue-timeline.js';
import { toSrt, toVtt } from '../../../src/infrastructure/media/subtitles.js';
import { textColumns } from '../../../src/infrastructure/media/text-wrap.js';
import { parseSubtitles } from '../../support/media.js';

const options = { durationSec: 10, leadInSec: 0.5, tailSec: 0.5, minGapSec: 0.3, maxGapSec: 1 };

describe('layoutDialogue', () => {
  it('keeps lines in order, non-overlapping and inside the lead-in and tail', () => {
    const { slots, dropped } = layoutDialogue([2, 1.5, 2], options);
    expect(dropped).toEqual([]);
    expect(slots.map((s) => s.index)).toEqual([0, 1, 2]);
    expect(slots[0]?.startSec).toBeGreaterThanOrEqual(0.5);
    for (let i = 1; i < slots.length; i++) {
      expect(slots[i]?.startSec).toBeGreaterThanOrEqual((slots[i - 1]?.endSec as number) + 0.3 - 1e-9);
    }
    expect(slots.at(-1)?.endSec).toBeLessThanOrEqual(9.5);
    slots.forEach((s, i) => expect(s.endSec - s.startSec).toBeCloseTo([2, 1.5, 2][i] as number));
  });

  it('spreads spare time into the gaps, up to the maximum gap', () => {
    const { slots } = layoutDialogue([1, 1], options);
    const gap = (slots[1]?.startSec as number) - (slots[0]?.endSec as number);
    expect(gap).toBeCloseTo(1);
  });

  it('drops trailing lines that do not fit and never runs past the end', () => {
    const { slots, dropped } = layoutDialogue([4, 4, 4], options);
    expect(dropped).toEqual([2]);
    expect(slots.at(-1)?.endSec).toBeLessThanOrEqual(9.5 + 1e-9);
  });

  it('handles a scene without dialogue', () => {
    expect(layoutDialogue([], options)).toEqual({ slots: [], dropped: [] });
  });
});

describe('requiredSpeedup', () => {
  it('is 1 when everything fits and the needed factor when it does not', () => {
    expect(requiredSpeedup([2, 2], options)).toBe(1);
    // window 9 s minus two gaps of 0.3 s = 8.4 s for 12 s of speech
    expect(requiredSpeedup([4, 4, 4], options)).toBeCloseTo(12 / 8.4);
  });
});

describe('cuesForTimeline', () => {
  const layout = { maxColumns: 20, maxLines: 1, durationSec: 10 };

  it('makes one cue per line from the speech timing, with the speaker', () => {
    const { slots } = layoutDialogue([2, 2], options);
    const cues = cuesForTimeline(
      [
        { speaker: '甲', text: '你好。' },
        { speaker: '乙', text: '再见。' },
      ],
      slots,
      layout,
    );
    expect(cues).toHaveLength(2);
    expect(cues[0]).toMatchObject({ speaker: '甲', text: '你好。', startSec: slots[0]?.startSec });
    expect(cues[0]?.endSec).toBeLessThan(cues[1]?.startSec as number);
  });

  it('splits a long line into consecutive cues that share its speech time', () => {
    const { slots } = layoutDialogue([6], options);
    const text = '可是测试还没有跑完，数据库迁移也还没验证，今晚上不了线。';
    const cues = cuesForTimeline([{ speaker: '甲', text }], slots, layout);
    expect(cues.length).toBeGreaterThan(1);
    expect(cues.map((c) => c.text).join('')).toBe(text);
    expect(cues[0]?.startSec).toBeCloseTo(slots[0]?.startSec as number);
    for (let i = 1; i < cues.length; i++)
      expect(cues[i]?.startSec).toBeCloseTo(cues[i - 1]?.endSec as number);
    expect(cues.at(-1)?.endSec).toBeLessThanOrEqual(10);
  });

  it('wraps each cue once, evenly, so SRT and VTT break lines in the same places', () => {
    const { slots } = layoutDialogue([5], options);
    const text = '我们这些普通的上班族，每天挤地铁上班，晚上还要加班到深夜才能回家。';
    const cues = cuesForTimeline([{ speaker: '林晓', text }], slots, { ...layout, maxLines: 2 });
    for (const cue of cues) {
      const lines = cue.text.split('\n');
      expect(lines.length).toBeLessThanOrEqual(2);
      if (lines.length === 2) {
        // No orphan: the shorter line is at least half the longer.
        const [a, b] = lines.map(textColumns) as [number, number];
        expect(Math.min(a, b) / Math.max(a, b)).toBeGreaterThanOrEqual(0.5);
      }
    }
    const srt = parseSubtitles(toSrt(cues), 'srt').map((c) => c.text.replace(/^林晓：/, ''));
    const vtt = parseSubtitles(toVtt(cues), 'vtt').map((c) => c.text.replace(/^<v [^>]*>/, ''));
    expect(vtt).toEqual(srt);
    // Wrapped to the frame's width (the old episode files carried whole unwrapped lines).
    for (const line of vtt.flatMap((t) => t.split('\n'))) {
      expect(textColumns(line)).toBeLessThanOrEqual(layout.maxColumns + 2);
    }
    expect(srt.join('').replace(/\n/g, '')).toBe(text);
  });

  it('leaves emoji out and makes no cue of what is left when it is only punctuation', () => {
    const { slots } = layoutDialogue([2, 1], options);
    const cues = cuesForTimeline(
      [
        { speaker: '甲', text: '太好了😱🔥！' },
        { speaker: '乙', text: '” 😱🔥' },
      ],
      slots,
      layout,
    );
    expect(cues.map((c) => c.text)).toEqual(['太好了！']);
  });
});
