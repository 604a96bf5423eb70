/**
 * The one set of encoder settings every clip is made with. Scenes are joined later by stream copy,
 * which is only valid when frame rate, time base, H.264 parameter sets, sample rate and channel layout
 * are identical across clips; keep every producer (scene renderer, bare encode) on these.
 *
 * Choices, measured on the 2-core target (see src/benchmarks/render.bench.ts and the report):
 * - x264 `ultrafast`: frames are mostly static cards and slow pans; `veryfast` cost ~1.6x more CPU for
 *   no visible gain on such content, and `-tune stillimage` was slower still (it raises psy/AQ work).
 * - 24 fps: 4% fewer frames than 25 and the usual drama cadence.
 * - 10 s GOP, no scene-cut keyframes: fewer expensive I-frames; each clip still opens on an IDR frame.
 * - AAC-LC 128 kb/s stereo at 44.1 kHz: the mix is produced at 22.05 kHz (espeak's rate) and doubled.
 */
export const VIDEO_FPS = 24;
export const AUDIO_SAMPLE_RATE = 44100;
export const AUDIO_CHANNELS = 2;
export const MIX_SAMPLE_RATE = 22050;

export function videoEncodeArgs(fps = VIDEO_FPS): string[] {
  return [
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-qp',
    '23',
    '-pix_fmt',
    'yuv420p',
    '-profile:v',
    'baseline',
    '-level:v',
    '3.1',
    '-g',
    String(fps * 10),
    '-sc_threshold',
    '0',
    '-r',
    String(fps),
    '-video_track_timescale',
    String(fps * 1000),
    '-colorspace',
    'bt709',
    '-color_primaries',
    'bt709',
    '-color_trc',
    'bt709',
  ];
}

export function audioEncodeArgs(): string[] {
  return ['-c:a', 'aac', '-b:a', '128k', '-ar', String(AUDIO_SAMPLE_RATE), '-ac', String(AUDIO_CHANNELS)];
}

export const CONTAINER_ARGS = ['-movflags', '+faststart'];
