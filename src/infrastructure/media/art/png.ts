import { crc32, deflateSync } from 'node:zlib';
import type { RasterPixels } from './svg-raster.js';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const tail = Buffer.alloc(4);
  tail.writeUInt32BE(crc32(data, crc32(head.subarray(4))) >>> 0, 0);
  return Buffer.concat([head, data, tail]);
}

/**
 * Premultiplied RGBA pixels (what resvg draws) → PNG (RFC 2083): RGB when every pixel is opaque, else RGBA
 * with the alpha divided out. Each row is filtered with "Up" (the difference to the row above), which
 * suits drawn pictures of gradients and flat shapes, and compressed with zlib.
 */
export function encodePng(pixels: RasterPixels): Buffer {
  const { width, height, rgba } = pixels;
  let opaque = true;
  for (let i = 3; i < rgba.length; i += 4) {
    if (rgba[i] !== 255) {
      opaque = false;
      break;
    }
  }
  const channels = opaque ? 3 : 4;
  const stride = width * channels;
  const straight = Buffer.alloc(height * stride);
  for (let p = 0, o = 0; p < rgba.length; p += 4, o += channels) {
    const a = rgba[p + 3] as number;
    if (opaque || a === 255) {
      straight[o] = rgba[p] as number;
      straight[o + 1] = rgba[p + 1] as number;
      straight[o + 2] = rgba[p + 2] as number;
      if (!opaque) straight[o + 3] = 255;
    } else if (a > 0) {
      for (let c = 0; c < 3; c++)
        straight[o + c] = Math.min(255, Math.round(((rgba[p + c] as number) * 255) / a));
      straight[o + 3] = a;
    }
  }
  const filtered = Buffer.alloc(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    const out = y * (stride + 1);
    const row = y * stride;
    filtered[out] = y === 0 ? 0 : 2; // None for the first row, Up for the rest
    for (let x = 0; x < stride; x++) {
      const above = y === 0 ? 0 : (straight[row - stride + x] as number);
      filtered[out + 1 + x] = ((straight[row + x] as number) - above) & 0xff;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = opaque ? 2 : 6; // colour type: truecolour, or truecolour with alpha
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(filtered, { level: 6 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
