import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mediaBinaries } from './media-binaries.js';

const execFileAsync = promisify(execFile);

export interface MediaProbe {
  formatName: string;
  durationSec: number;
  video?: {
    codec: string;
    width: number;
    height: number;
    fps: number;
    pixFmt: string;
    /** Sample (pixel) aspect ratio, e.g. "1:1"; players stretch the picture by it. */
    sar: string;
    profile?: string;
  };
  audio?: { codec: string; sampleRate: number; channels: number; profile?: string };
}

interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  profile?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  sample_aspect_ratio?: string;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  sample_rate?: string;
  channels?: number;
}

interface FfprobeOutput {
  format?: { format_name?: string; duration?: string };
  streams?: FfprobeStream[];
}

export async function probeMedia(path: string, signal?: AbortSignal): Promise<MediaProbe> {
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(
      mediaBinaries().ffprobe,
      ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path],
      { signal, maxBuffer: 16 * 1024 * 1024 },
    ));
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '').trim();
    throw new Error(`ffprobe could not read ${path}: ${stderr || (error as Error).message}`, {
      cause: error,
    });
  }
  const parsed = JSON.parse(stdout) as FfprobeOutput;
  const streams = parsed.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video');
  const audio = streams.find((s) => s.codec_type === 'audio');
  return {
    formatName: parsed.format?.format_name ?? 'unknown',
    durationSec: Number(parsed.format?.duration ?? 0),
    ...(video && {
      video: {
        codec: video.codec_name ?? 'unknown',
        width: video.width ?? 0,
        height: video.height ?? 0,
        fps: frameRate(video.avg_frame_rate) || frameRate(video.r_frame_rate),
        pixFmt: video.pix_fmt ?? 'unknown',
        // ffprobe says 0:1 (or nothing) when the stream does not state one: square pixels.
        sar:
          !video.sample_aspect_ratio || video.sample_aspect_ratio === '0:1'
            ? '1:1'
            : video.sample_aspect_ratio,
        ...(video.profile && { profile: video.profile }),
      },
    }),
    ...(audio && {
      audio: {
        codec: audio.codec_name ?? 'unknown',
        sampleRate: Number(audio.sample_rate ?? 0),
        channels: audio.channels ?? 0,
        ...(audio.profile && { profile: audio.profile }),
      },
    }),
  };
}

function frameRate(ratio: string | undefined): number {
  const [num, den] = (ratio ?? '0/0').split('/').map(Number);
  return num && den ? num / den : 0;
}
