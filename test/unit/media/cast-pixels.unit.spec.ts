import { describe, expect, it } from '@jest/globals';
import {
  castPixels,
  castSvg,
  picturePixels,
  pictureSvg,
} from '../../../src/infrastructure/media/art/compose.js';
import type { Figure } from '../../../src/infrastructure/media/art/figures.js';
import { OpenPeepsPortraitPainter, portraitSvg } from '../../../src/infrastructure/media/art/portrait.js';
import { rasteriseSvg, rasteriseSvgPixels } from '../../../src/infrastructure/media/art/svg-raster.js';

/**
 * castPixels draws the cast figure by figure and keeps the pieces; the picture must be the one the whole
 * canvas gives when rasterised at once (castSvg), in every speaker state, in both aspects.
 */
describe('cast pixels', () => {
  const painter = new OpenPeepsPortraitPainter();
  const figures = async (): Promise<Figure[]> => {
    const designs = painter.design(
      [
        { name: '林晓', gender: 'female', role: '程序员' },
        { name: '王总', gender: 'male', role: '老板' },
        { name: '老张', gender: 'male', role: '退休的老工程师' },
      ],
      { seed: 'drama-1', language: 'zh' },
    );
    const painted = await Promise.all(
      designs.map(async (d) => ({
        name: d.name,
        description: d.description,
        portrait: await rasteriseSvg(portraitSvg(d), { width: 512 }),
      })),
    );
    // One without a portrait: the drawn figure.
    return [...painted, { name: '小雨', description: '长发，红色外套' }];
  };

  /** Share of channel values that differ by more than `tolerance`, and the largest difference. */
  const compare = (a: Buffer, b: Buffer, tolerance: number) => {
    let off = 0;
    let worst = 0;
    for (let i = 0; i < a.length; i++) {
      const d = Math.abs((a[i] as number) - (b[i] as number));
      if (d > tolerance) off++;
      if (d > worst) worst = d;
    }
    return { share: off / a.length, worst };
  };

  it.each([
    ['16:9', 1382, 778],
    ['9:16', 778, 1382],
  ])('gives the whole-canvas picture, %s, in every speaker state', async (_aspect, width, height) => {
    const cast = await figures();
    for (const speaker of [null, '林晓', '王总', '小雨']) {
      const input = {
        setting: { place: '北京写字楼', timeOfDay: 'night' as const },
        figures: cast,
        width,
        height,
        speaker,
      };
      const whole = await rasteriseSvgPixels(castSvg(input), { width });
      const pieces = await castPixels(input);
      expect({ width: pieces.width, height: pieces.height }).toEqual({
        width: whole.width,
        height: whole.height,
      });
      const { share, worst } = compare(pieces.rgba, whole.rgba, 2);
      // Rounding where layers overlap may differ by a step or two, a stray edge pixel by more; a clipped
      // glow or a figure in the wrong place changes thousands (measured: 0.6 % with the glow cut off).
      expect(share).toBeLessThan(1e-4);
      expect(worst).toBeLessThan(24);
      // And it is a picture: the figures cover a real part of the canvas.
      let opaque = 0;
      for (let i = 3; i < pieces.rgba.length; i += 4) if ((pieces.rgba[i] as number) > 0) opaque++;
      expect(opaque / (width * height)).toBeGreaterThan(0.2);
    }
  });

  it('a speaker change redraws only that state: the same input gives the same pixels from the kept pieces', async () => {
    const cast = await figures();
    const input = { setting: { place: '咖啡馆' }, figures: cast, width: 1382, height: 778, speaker: '王总' };
    const first = await castPixels(input);
    const again = await castPixels(input);
    expect(again.rgba.equals(first.rgba)).toBe(true);
    const other = await castPixels({ ...input, speaker: '林晓' });
    expect(other.rgba.equals(first.rgba)).toBe(false);
  });

  it('a whole picture (kept backdrop + cast) is the one pictureSvg gives', async () => {
    const cast = await figures();
    for (const [width, height] of [
      [1280, 720],
      [720, 1280],
    ] as const) {
      const input = {
        setting: { place: '医院走廊', timeOfDay: 'dusk' as const },
        figures: cast,
        width,
        height,
        speaker: '老张',
      };
      const whole = await rasteriseSvgPixels(pictureSvg(input), { width });
      const composed = await picturePixels(input);
      const { share } = compare(composed.rgba, whole.rgba, 2);
      expect(share).toBeLessThan(1e-4);
    }
  });
});
