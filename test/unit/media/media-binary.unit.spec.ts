import { describe, expect, it } from '@jest/globals';
import {
  listedNames,
  type MediaBinaryProbe,
  resolveMediaBinaries,
} from '../../../src/infrastructure/media/media-binaries.js';

/** A machine with a system ffmpeg of the given capabilities (or none) and the bundled pair. */
const machine = (system: { dir: string; missing: string[] } | undefined): MediaBinaryProbe => ({
  which: (name) => (system ? `${system.dir}/${name}` : undefined),
  missing: (ffmpeg) => (system && ffmpeg.startsWith(system.dir) ? system.missing : []),
  version: (ffmpeg) => (ffmpeg.includes('bundled') ? '4.1-static' : '7.1.1'),
  bundled: () => ({ ffmpeg: '/bundled/ffmpeg', ffprobe: '/bundled/ffprobe' }),
});

describe('which ffmpeg runs', () => {
  it('is a capable system ffmpeg (with its ffprobe) before the bundled 2018 build', () => {
    const chosen = resolveMediaBinaries({}, machine({ dir: '/definitely/not/here', missing: [] }));
    expect(chosen).toMatchObject({
      ffmpeg: '/definitely/not/here/ffmpeg',
      ffprobe: '/definitely/not/here/ffprobe',
      source: 'system',
      version: '7.1.1',
    });
  });

  it('falls back to the bundled build, saying why, when the system one lacks a filter the pipeline uses', () => {
    const chosen = resolveMediaBinaries({}, machine({ dir: '/usr/bin', missing: ['filter drawtext'] }));
    expect(chosen).toMatchObject({
      ffmpeg: '/bundled/ffmpeg',
      ffprobe: '/bundled/ffprobe',
      source: 'bundled',
    });
    expect(chosen.skipped).toBe('the system ffmpeg at /usr/bin/ffmpeg is not used: it lacks filter drawtext');
  });

  it('is the bundled build when there is no system ffmpeg, or when FFMPEG_PATH=bundled', () => {
    expect(resolveMediaBinaries({}, machine(undefined)).source).toBe('bundled');
    const forced = resolveMediaBinaries(
      { FFMPEG_PATH: 'bundled' },
      machine({ dir: '/usr/bin', missing: [] }),
    );
    expect(forced).toMatchObject({
      ffmpeg: '/bundled/ffmpeg',
      ffprobe: '/bundled/ffprobe',
      source: 'bundled',
    });
  });

  it('is the configured one when FFMPEG_PATH names a capable executable', () => {
    const chosen = resolveMediaBinaries(
      { FFMPEG_PATH: '/bin/sh', FFPROBE_PATH: '/bin/sh' },
      machine({ dir: '/usr/bin', missing: [] }),
    );
    expect(chosen).toMatchObject({ ffmpeg: '/bin/sh', ffprobe: '/bin/sh', source: 'configured' });
  });

  it('stops with the variable named when the configured path cannot run or lacks what is needed', () => {
    expect(() => resolveMediaBinaries({ FFMPEG_PATH: '/nonexistent/ffmpeg' }, machine(undefined))).toThrow(
      'FFMPEG_PATH=/nonexistent/ffmpeg is not an executable file',
    );
    const lacking: MediaBinaryProbe = { ...machine(undefined), missing: () => ['encoder libx264'] };
    expect(() => resolveMediaBinaries({ FFMPEG_PATH: '/bin/sh' }, lacking)).toThrow(
      /FFMPEG_PATH=\/bin\/sh lacks what the pipeline needs: encoder libx264/,
    );
  });

  it('reads the names out of ffmpeg -filters and -encoders listings', () => {
    const filters = [
      'Filters:',
      '  T.. = Timeline support',
      ' ------',
      ' ... abench            A->A       Benchmark part of a filtergraph.',
      ' T.C drawtext          V->V       Draw text on top of video frames using libfreetype library.',
      ' TS| anoisesrc         |->A       Generate a noise audio signal.',
    ].join('\n');
    expect([...listedNames(filters)]).toEqual(['abench', 'drawtext', 'anoisesrc']);
    const encoders = [
      ' V....D libx264              libx264 H.264 / AVC',
      ' A....D aac                  AAC',
    ].join('\n');
    expect([...listedNames(encoders)]).toEqual(['libx264', 'aac']);
  });
});
