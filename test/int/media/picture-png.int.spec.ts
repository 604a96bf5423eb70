import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { picturePixels } from '../../../src/infrastructure/media/art/compose.js';
import { encodePng } from '../../../src/infrastructure/media/art/png.js';
import { runFfmpeg } from '../../../src/infrastructure/media/ffmpeg.js';
import { tempDir } from '../../support/media.js';

/** The still a local image job writes: a PNG that ffmpeg (and so every player and browser) reads back as drawn. */
describe('picture PNG', () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeAll(async () => (dir = await tempDir('png')));
  afterAll(() => dir.remove());

  const decode = async (png: Buffer, name: string) => {
    const input = join(dir.path, `${name}.png`);
    const output = join(dir.path, `${name}.rgba`);
    await writeFile(input, png);
    await runFfmpeg(['-i', input, '-f', 'rawvideo', '-pix_fmt', 'rgba', output]);
    return readFile(output);
  };

  it('an opaque picture decodes to exactly its pixels', async () => {
    const pixels = await picturePixels({
      setting: { place: '北京写字楼', timeOfDay: 'night' },
      figures: [{ name: '林晓', description: '黑框眼镜，格子衬衫' }],
      width: 640,
      height: 360,
    });
    const png = encodePng(pixels);
    expect(png[25]).toBe(2); // truecolour: no alpha channel for an opaque picture
    expect((await decode(png, 'opaque')).equals(pixels.rgba)).toBe(true);
    expect(png.length).toBeLessThan(pixels.rgba.length / 4); // compressed, not stored
  });

  it('transparent and half-transparent pixels come back with their alpha divided out', async () => {
    // Premultiplied: (r, g, b) ≤ a.
    const rgba = Buffer.from([255, 0, 0, 255, 0, 0, 0, 0, 64, 32, 0, 128, 10, 20, 30, 40]);
    const decoded = await decode(encodePng({ width: 2, height: 2, rgba }), 'alpha');
    expect([...decoded]).toEqual([255, 0, 0, 255, 0, 0, 0, 0, 128, 64, 0, 128, 64, 128, 191, 40]);
  });
});
