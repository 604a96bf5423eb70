/** 16-bit PCM, interleaved when `channels` > 1. */
export interface PcmAudio {
  sampleRate: number;
  channels: number;
  samples: Int16Array;
}

export const pcmDurationSec = (pcm: PcmAudio): number => pcm.samples.length / pcm.channels / pcm.sampleRate;

interface WavLayout {
  format: { audioFormat: number; channels: number; sampleRate: number; byteRate: number; bits: number };
  /** The sample bytes: [start, end) of the data chunk, within the file. */
  start: number;
  end: number;
}

/** Where a RIFF/WAVE file's format and samples are. */
function wavLayout(bytes: Uint8Array): WavLayout {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('not a RIFF/WAVE file');
  let format: WavLayout['format'] | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      format = {
        audioFormat: view.getUint16(body, true),
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        byteRate: view.getUint32(body + 8, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!format) throw new Error('WAV data chunk before fmt chunk');
      // Streaming writers (espeak's among them) may leave the size unset: trust the file length.
      const end = Math.min(bytes.length, size === 0 || size === 0xffffffff ? bytes.length : body + size);
      return { format, start: body, end };
    }
    offset = body + size + (size % 2);
  }
  throw new Error('WAV file has no data chunk');
}

export function parseWav(bytes: Uint8Array): PcmAudio {
  const { format, start, end } = wavLayout(bytes);
  if (format.audioFormat !== 1 || format.bits !== 16) {
    throw new Error(`unsupported WAV encoding (format ${format.audioFormat}, ${format.bits} bits)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = Math.floor((end - start) / 2);
  const samples = new Int16Array(count);
  for (let i = 0; i < count; i++) samples[i] = view.getInt16(start + i * 2, true);
  return { sampleRate: format.sampleRate, channels: format.channels, samples };
}

/** Duration of a WAV file of any PCM layout, from its header and the size of its data. */
export function wavDurationSec(bytes: Uint8Array): number {
  const { format, start, end } = wavLayout(bytes);
  if (format.byteRate === 0) throw new Error('WAV fmt chunk has a byte rate of 0');
  return (end - start) / format.byteRate;
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
