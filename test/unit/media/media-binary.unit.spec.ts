import { describe, expect, it } from '@jest/globals';
import { ffmpegPath, mediaBinary } from '../../../src/infrastructure/media/ffmpeg.js';

describe('which ffmpeg runs', () => {
  it('is the configured one when FFMPEG_PATH names an executable', () => {
    expect(mediaBinary('/bin/sh', () => ffmpegPath)).toBe('/bin/sh');
  });

  it('is the bundled one when nothing is configured', () => {
    expect(mediaBinary(undefined, () => ffmpegPath)).toBe(ffmpegPath);
    expect(mediaBinary('  ', () => ffmpegPath)).toBe(ffmpegPath);
  });

  it('stops with the variable named when the configured path cannot run', () => {
    expect(() => mediaBinary('/nonexistent/ffmpeg', () => ffmpegPath)).toThrow(
      /\/nonexistent\/ffmpeg \(FFMPEG_PATH\/FFPROBE_PATH\) is not an executable file/,
    );
  });
});
