import { describe, expect, it } from '@jest/globals';
import { rasteriseSvg } from '../../../src/infrastructure/media/art/svg-raster.js';

function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('rasteriseSvg', () => {
  it('draws an SVG at the asked width, keeping its aspect ratio', async () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 160 90"><rect width="160" height="90" fill="#c33"/></svg>';
    expect(pngSize(await rasteriseSvg(svg, { width: 640 }))).toEqual({ width: 640, height: 360 });
  });

  it('refuses a width that is not a positive integer, naming it', async () => {
    await expect(rasteriseSvg('<svg xmlns="http://www.w3.org/2000/svg"/>', { width: 0 })).rejects.toThrow(
      /width/,
    );
  });
});
