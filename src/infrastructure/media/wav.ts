/** 16-bit PCM, interleaved when `channels` > 1. */
export interface PcmAudio {
  sampleRate: number;
  channels: number;
  samples: Int16Array;
}

export const pcmDurationSec = (pcm: PcmAudio): number => pcm.samples.length / pcm.channels / pcm.sampleRate;

export function parseWav(bytes: Uint8Array): PcmAudio {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('not a RIFF/WAVE file');
  let format: { channels: number; sampleRate: number; bits: number } | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      const audioFormat = view.getUint16(body, true);
      format = {
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bits: view.getUint16(body + 14, true),
      };
      if (audioFormat !== 1 || format.bits !== 16) {
        throw new Error(`unsupported WAV encoding (format ${audioFormat}, ${format.bits} bits)`);
      }
    } else if (id === 'data') {
      if (!format) throw new Error('WAV data chunk before fmt chunk');
      // Streaming writers (espeak's among them) may leave the size unset: trust the file length.
      const end = Math.min(bytes.length, size === 0 || size === 0xffffffff ? bytes.length : body + size);
      const count = Math.floor((end - body) / 2);
      const samples = new Int16Array(count);
      for (let i = 0; i < count; i++) samples[i] = view.getInt16(body + i * 2, true);
      return { sampleRate: format.sampleRate, channels: format.channels, samples };
    }
    offset = body + size + (size % 2);
  }
  throw new Error('WAV file has no data chunk');
}

export function encodeWav(pcm: PcmAudio): Buffer {
  const dataBytes = pcm.samples.length * 2;
  const out = Buffer.alloc(44 + dataBytes);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(pcm.channels, 22);
  out.writeUInt32LE(pcm.sampleRate, 24);
  out.writeUInt32LE(pcm.sampleRate * pcm.channels * 2, 28);
  out.writeUInt16LE(pcm.channels * 2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(dataBytes, 40);
  // Little-endian hosts (all we run on) can copy the samples' bytes as they are.
  Buffer.from(pcm.samples.buffer, pcm.samples.byteOffset, dataBytes).copy(out, 44);
  return out;
}

/** Soft clip: linear to ±0.9, then bends smoothly towards ±1 instead of wrapping or hard-clipping. */
export const softClip = (x: number): number => {
  if (x <= 0.9 && x >= -0.9) return x;
  return Math.sign(x) * (0.9 + 0.1 * Math.tanh((Math.abs(x) - 0.9) / 0.1));
};

/**
 * Linear-interpolation upsampling by an integer factor into interleaved 16-bit stereo. Samples must
 * already lie in [-1, 1] (see softClip): the Int16Array store truncates and would wrap beyond that.
 */
export function upsampleToStereoPcm(
  left: Float32Array,
  right: Float32Array,
  rate: number,
  factor: number,
): PcmAudio {
  const n = left.length;
  const samples = new Int16Array(n * factor * 2);
  const scale = 32767;
  for (let i = 0, o = 0; i < n; i++) {
    const j = i + 1 < n ? i + 1 : i;
    const l0 = (left[i] as number) * scale;
    const r0 = (right[i] as number) * scale;
    const dl = ((left[j] as number) * scale - l0) / factor;
    const dr = ((right[j] as number) * scale - r0) / factor;
    for (let k = 0; k < factor; k++, o += 2) {
      samples[o] = l0 + dl * k;
      samples[o + 1] = r0 + dr * k;
    }
  }
  return { sampleRate: rate * factor, channels: 2, samples };
}
