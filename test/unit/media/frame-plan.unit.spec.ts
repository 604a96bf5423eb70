import { describe, expect, it } from '@jest/globals';
import {
  framesToRender,
  panCropExpressions,
  panOffset,
  selectExpression,
} from '../../../src/infrastructure/media/frame-plan.js';

describe('framesToRender', () => {
  const base = { fps: 24, frameCount: 240, fadeFrames: 10 };

  it('renders the fades, the frame after the end, and each subtitle change with the frame after it', () => {
    const frames = framesToRender({ ...base, spans: [{ startSec: 2, endSec: 4 }] });
    for (let n = 0; n <= 10; n++) expect(frames).toContain(n);
    for (let n = 229; n <= 240; n++) expect(frames).toContain(n);
    expect(frames).toEqual(expect.arrayContaining([48, 49, 96, 97]));
    expect(frames).not.toContain(47);
    expect(frames.length).toBe(11 + 12 + 4);
  });

  it('agrees with libass about when a subtitle starts: the first frame whose time in whole ms reaches it', () => {
    // 1.23 s = 29.52 frames at 24 fps: frame 29 is at 1208 ms (before), frame 30 at 1250 ms (shown).
    const frames = framesToRender({ ...base, spans: [{ startSec: 1.23, endSec: 3 }] });
    expect(frames).toEqual(expect.arrayContaining([30, 31]));
    expect(frames).not.toContain(29);
  });

  it('moves both axes on the same frames', () => {
    const pan = { travelX: 100, travelY: 56 };
    let changes = 0;
    for (let n = 1; n <= 720; n++) {
      const a = panOffset(n - 1, 720, pan);
      const b = panOffset(n, 720, pan);
      if (a.x !== b.x || a.y !== b.y) changes++;
    }
    expect(changes).toBe(50);
  });

  it('renders every step of a pan', () => {
    const pan = { travelX: 20, travelY: 10 };
    const frames = framesToRender({ ...base, spans: [], pan });
    for (let n = 1; n <= 240; n++) {
      const before = panOffset(n - 1, 240, pan);
      const now = panOffset(n, 240, pan);
      if (before.x !== now.x || before.y !== now.y) expect(frames).toContain(n);
    }
  });

  it('is sorted and unique', () => {
    const frames = framesToRender({
      ...base,
      spans: [{ startSec: 0, endSec: 10 }],
      pan: { travelX: 8, travelY: 8 },
    });
    expect(frames).toEqual([...new Set(frames)].sort((a, b) => a - b));
  });
});

describe('pan', () => {
  it('drifts the other way in another take, changing on the same frames', () => {
    const pan = { travelX: 100, travelY: 56 };
    const back = { ...pan, reverse: true };
    expect(panOffset(0, 720, back)).toEqual({ x: 100, y: 0 });
    expect(panOffset(720, 720, back)).toEqual({ x: 0, y: 56 });
    for (let n = 0; n <= 720; n++) {
      const a = panOffset(n, 720, pan);
      const b = panOffset(n, 720, back);
      expect([b.x, b.y]).toEqual([100 - a.x, 56 - a.y]);
    }
    expect(panCropExpressions(720, back)).toEqual({
      x: '2*(50-floor(floor(n*50/720)*50/50))',
      y: '2*floor(floor(n*50/720)*28/50)',
    });
  });

  it('travels the whole distance in even steps, left to right and bottom to top', () => {
    const pan = { travelX: 100, travelY: 56 };
    expect(panOffset(0, 720, pan)).toEqual({ x: 0, y: 56 });
    expect(panOffset(720, 720, pan)).toEqual({ x: 100, y: 0 });
    for (let n = 0; n <= 720; n += 37) {
      const { x, y } = panOffset(n, 720, pan);
      expect(x % 2).toBe(0);
      expect(y % 2).toBe(0);
    }
    expect(panCropExpressions(720, pan)).toEqual({
      x: '2*floor(floor(n*50/720)*50/50)',
      y: '2*(28-floor(floor(n*50/720)*28/50))',
    });
  });
});

describe('selectExpression', () => {
  it('writes runs as ranges with escaped commas', () => {
    expect(selectExpression([0, 1, 2, 5, 9, 10])).toBe('between(n\\,0\\,2)+eq(n\\,5)+between(n\\,9\\,10)');
  });
});
