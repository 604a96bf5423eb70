import { describe, expect, it } from '@jest/globals';
import {
  framesToRender,
  panCropExpressions,
  panOffset,
  selectExpression,
} from '../../../src/infrastructure/media/frame-plan.js';

describe('framesToRender', () => {
  const base = { fps: 24, frameCount: 240, fadeFrames: 10 };

  it('renders the fades, the frame after the end, and the frames around each subtitle change', () => {
    const frames = framesToRender({ ...base, spans: [{ startSec: 2, endSec: 4 }] });
    for (let n = 0; n <= 10; n++) expect(frames).toContain(n);
    for (let n = 229; n <= 240; n++) expect(frames).toContain(n);
    expect(frames).toEqual(expect.arrayContaining([47, 48, 49, 95, 96, 97]));
    expect(frames.length).toBeLessThan(40);
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
  it('travels the whole distance in even steps, left to right and bottom to top', () => {
    const pan = { travelX: 100, travelY: 56 };
    expect(panOffset(0, 720, pan)).toEqual({ x: 0, y: 56 });
    expect(panOffset(720, 720, pan)).toEqual({ x: 100, y: 0 });
    for (let n = 0; n <= 720; n += 37) {
      const { x, y } = panOffset(n, 720, pan);
      expect(x % 2).toBe(0);
      expect(y % 2).toBe(0);
    }
    expect(panCropExpressions(720, pan)).toEqual({ x: '2*floor(n*50/720)', y: '2*(28-floor(n*28/720))' });
  });
});

describe('selectExpression', () => {
  it('writes runs as ranges with escaped commas', () => {
    expect(selectExpression([0, 1, 2, 5, 9, 10])).toBe('between(n\\,0\\,2)+eq(n\\,5)+between(n\\,9\\,10)');
  });
});
