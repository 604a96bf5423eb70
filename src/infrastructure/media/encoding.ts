/**
 * The one set of encoder settings every clip is made with. Scenes are joined later by stream copy,
 * which is only valid when frame rate, time base, H.264 parameter sets, sample rate and channel layout
 * are identical across clips; keep every producer (scene renderer, bare encode) on these.
 *
 * Measured on the 2-core target with a 30 s 720p text scene (ffmpeg CPU seconds, best of 3-5):
 * - x264 `ultrafast` at constant QP 23: 1.2 s. The same with `-crf 23`: 3.0 s, because CRF keeps
 *   lowering the QP of static frames and re-codes their residual frame after frame; with a constant QP
 *   repeated frames are all skip blocks. `-tune stillimage`: 1.8 s; `superfast`: 1.5 s; `veryfast`: 1.6 s,
 *   with no visible gain on cards, text and slow pans.
 * - `-threads 1`: 1.2 s against 1.4 s with x264's default frame threads (bare encode 0.86 s against
 *   1.07 s): on such cheap frames thread hand-offs cost more than they save, and the second core stays
 *   free for speech synthesis or another scene.
 * - 24 fps rather than 25: ~3% less work, and the usual drama cadence.
 * - 10 s GOP, no scene-cut keyframes: each clip still opens on an IDR frame.
 * - AAC-LC 160 kb/s stereo (no mid/side) at 44.1 kHz; the mix arrives at 22.05 kHz (espeak's rate) and ffmpeg resamples.
 */
export const VIDEO_FPS = 24;
export const AUDIO_SAMPLE_RATE = 44100;
export const AUDIO_CHANNELS = 2;
export const MIX_SAMPLE_RATE = 22050;
/** AAC-LC consumes 1024 samples per frame; audio made inside a filter graph must arrive in such frames. */
export const AUDIO_FRAME_SAMPLES = 1024;

export function videoEncodeArgs(fps = VIDEO_FPS): string[] {
  return [
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-threads',
    '1',
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
  return [
    '-c:a',
    'aac',
    // ffmpeg's AAC encoder at 128 kb/s, with mid/side coding, overshot the true peak of centred speech by
    // up to 3 dB (−3 dBFS in, +0.1 dBTP out); at 160 kb/s without mid/side it stayed within 0.3 dB on
    // every mix measured, so the −1 dBTP delivery limit holds (see loudness.ts).
    '-b:a',
    '160k',
    '-aac_ms',
    '0',
    '-ar',
    String(AUDIO_SAMPLE_RATE),
    '-ac',
    String(AUDIO_CHANNELS),
  ];
}

export const CONTAINER_ARGS = ['-movflags', '+faststart'];
