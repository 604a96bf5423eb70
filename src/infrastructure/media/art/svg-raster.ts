import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Resvg, initWasm } from '@resvg/resvg-wasm';

/**
 * SVG → PNG through resvg compiled to WebAssembly: no native addon and no install script (npm 11 runs
 * none unless allowed), the same pixels on every machine. The module is initialised once per process.
 * Text is not rasterised here (resvg-wasm has no system fonts): captions are drawn by ffmpeg's drawtext
 * with the bundled CJK font, so SVG art must not rely on `<text>`.
 */
let ready: Promise<void> | undefined;

function init(): Promise<void> {
  ready ??= (async () => {
    const require = createRequire(import.meta.url);
    await initWasm(await readFile(require.resolve('@resvg/resvg-wasm/index_bg.wasm')));
  })();
  return ready;
}

export interface RasterOptions {
  /** Output width in pixels; the height follows the SVG's aspect ratio. */
  width: number;
  /** Fill behind transparent areas (e.g. `#ffffff`); transparent when omitted. */
  background?: string;
}

/** Draws `svg` at `options.width` and hands the image to `take` before resvg's memory is freed. */
async function draw<T>(
  caller: string,
  svg: string,
  options: RasterOptions,
  take: (image: ReturnType<InstanceType<typeof Resvg>['render']>) => T,
): Promise<T> {
  if (!Number.isInteger(options.width) || options.width <= 0) {
    throw new Error(`${caller}: width must be a positive integer, got ${options.width}`);
  }
  await init();
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: options.width },
    ...(options.background ? { background: options.background } : {}),
    font: { loadSystemFonts: false },
  });
  try {
    const image = resvg.render();
    try {
      return take(image);
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}

export function rasteriseSvg(svg: string, options: RasterOptions): Promise<Buffer> {
  return draw('rasteriseSvg', svg, options, (image) => Buffer.from(image.asPng()));
}

/** Raw pixels: RGBA with premultiplied alpha, row by row (what resvg draws, before PNG encoding). */
export interface RasterPixels {
  width: number;
  height: number;
  rgba: Buffer;
}

/**
 * SVG → raw premultiplied RGBA, for pictures that ffmpeg reads at once (as PAM): skips the PNG
 * compression, which costs about a third of the rasterising time of a 720p picture, and its decoding.
 */
export function rasteriseSvgPixels(svg: string, options: RasterOptions): Promise<RasterPixels> {
  return draw('rasteriseSvgPixels', svg, options, (image) => ({
    width: image.width,
    height: image.height,
    rgba: Buffer.from(image.pixels),
  }));
}

/** A PAM (netpbm P7) file of RGBA pixels: a few header lines, then the bytes; ffmpeg reads it as is. */
export function pamFile(pixels: RasterPixels): Buffer {
  const header = `P7\nWIDTH ${pixels.width}\nHEIGHT ${pixels.height}\nDEPTH 4\nMAXVAL 255\nTUPLTYPE RGB_ALPHA\nENDHDR\n`;
  return Buffer.concat([Buffer.from(header, 'ascii'), pixels.rgba]);
}
