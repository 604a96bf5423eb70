import { readFile } from 'node:fs/promises';

/** Duration of a PCM WAV file from its header (streamed files with an unset data size use the file size). */
export async function wavDurationSec(path: string): Promise<number> {
  const data = await readFile(path);
  if (data.toString('latin1', 0, 4) !== 'RIFF' || data.toString('latin1', 8, 12) !== 'WAVE') {
    throw new Error('not a WAV file');
  }
  let byteRate = 0;
  for (let at = 12; at + 8 <= data.length;) {
    const id = data.toString('latin1', at, at + 4);
    const size = data.readUInt32LE(at + 4);
    if (id === 'fmt ') byteRate = data.readUInt32LE(at + 16);
    if (id === 'data') {
      if (byteRate === 0) break;
      const available = data.length - (at + 8);
      const bytes = size === 0 || size === 0xffffffff || size > available ? available : size;
      return bytes / byteRate;
    }
    at += 8 + size + (size % 2);
  }
  throw new Error('WAV file without a fmt and data chunk');
}
