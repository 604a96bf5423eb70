import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { crc32, deflateSync } from 'node:zlib';

const run = promisify(execFile);

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A real RGB PNG of one colour (sides above the 10 px Qwen-VL minimum by default). */
export function tinyPng(width = 32, height = 18, rgb: [number, number, number] = [200, 80, 40]): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(2, 9); // truecolour
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3).map((_, i) => rgb[i % 3] as number)]);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export interface TestMedia {
  png: Buffer;
  wav: Buffer;
  mp4: Buffer;
}

let media: Promise<TestMedia> | undefined;

/** Generated once per test process with the bundled ffmpeg: a 1 s 24 kHz WAV and a 1 s H.264 MP4. */
export function testMedia(): Promise<TestMedia> {
  media ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'k3s-fake-media-'));
    const wav = join(dir, 'tone.wav');
    const mp4 = join(dir, 'clip.mp4');
    const quiet = ['-hide_banner', '-loglevel', 'error', '-y'];
    await run(ffmpeg.path, [
      ...quiet,
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=24000:duration=1'],
      ...['-ac', '1', '-c:a', 'pcm_s16le', wav],
    ]);
    await run(ffmpeg.path, [
      ...quiet,
      ...['-f', 'lavfi', '-i', 'testsrc=size=128x72:rate=12:duration=1'],
      ...['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', mp4],
    ]);
    return { png: tinyPng(), wav: await readFile(wav), mp4: await readFile(mp4) };
  })();
  return media;
}
