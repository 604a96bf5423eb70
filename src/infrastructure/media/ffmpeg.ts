import { spawn } from 'node:child_process';
import { AbortError } from './abort.js';
import { fontconfigEnv } from './fonts.js';
import { mediaBinaries } from './media-binaries.js';

export interface RunFfmpegOptions {
  signal?: AbortSignal;
  /** Called with 0..1 when `totalSec` is known. */
  onProgress?: (fraction: number) => void;
  totalSec?: number;
  cwd?: string;
  /** ffmpeg -loglevel; analysis filters (blackdetect, silencedetect) report at `info`. */
  logLevel?: 'error' | 'warning' | 'info';
}

export interface RunFfmpegResult {
  stderr: string;
}

const STDERR_TAIL_LINES = 15;
const STDERR_KEEP_CHARS = 2_000_000;

/**
 * Runs ffmpeg with progress on stdout. Rejects with the last stderr lines on failure, and with an
 * AbortError (after SIGKILL, so no trailer is written) when `signal` fires.
 */
export function runFfmpeg(args: readonly string[], options: RunFfmpegOptions = {}): Promise<RunFfmpegResult> {
  const { signal, onProgress, totalSec, cwd, logLevel = 'warning' } = options;
  if (signal?.aborted) return Promise.reject(new AbortError('ffmpeg was cancelled before it started'));
  const fullArgs = [
    '-hide_banner',
    '-nostdin',
    '-y',
    '-loglevel',
    logLevel,
    '-nostats',
    '-progress',
    'pipe:1',
  ];
  fullArgs.push(...args);
  return new Promise((resolve, reject) => {
    const ffmpegPath = mediaBinaries().ffmpeg;
    const child = spawn(ffmpegPath, fullArgs, {
      cwd,
      env: { ...process.env, ...fontconfigEnv() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let progressBuffer = '';
    let aborted = false;
    const onAbort = () => {
      aborted = true;
      child.kill('SIGKILL');
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.length > STDERR_KEEP_CHARS) stderr = stderr.slice(-STDERR_KEEP_CHARS / 2);
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (!onProgress) return;
      progressBuffer += chunk;
      const lines = progressBuffer.split('\n');
      progressBuffer = lines.pop() ?? '';
      for (const line of lines) {
        const fraction = progressFraction(line, totalSec);
        if (fraction !== undefined) onProgress(fraction);
      }
    });
    child.on('error', (error) => {
      signal?.removeEventListener('abort', onAbort);
      reject(new Error(`could not start ffmpeg at ${ffmpegPath}: ${error.message}`, { cause: error }));
    });
    child.on('close', (code, killedBy) => {
      signal?.removeEventListener('abort', onAbort);
      if (aborted) return reject(new AbortError('ffmpeg was cancelled', { cause: signal?.reason }));
      if (code === 0) return resolve({ stderr });
      reject(new Error(failureMessage(args, code, killedBy, stderr)));
    });
  });
}

function progressFraction(line: string, totalSec: number | undefined): number | undefined {
  if (line === 'progress=end') return 1;
  if (!totalSec || totalSec <= 0) return undefined;
  // out_time_ms is in microseconds despite its name (fixed upstream by adding out_time_us).
  const match = /^out_time_(?:ms|us)=(\d+)$/.exec(line);
  if (!match) return undefined;
  return Math.min(1, Math.max(0, Number(match[1]) / 1e6 / totalSec));
}

function failureMessage(
  args: readonly string[],
  code: number | null,
  killedBy: NodeJS.Signals | null,
  stderr: string,
): string {
  const output = args.at(-1) ?? '';
  const tail = stderr
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '')
    .slice(-STDERR_TAIL_LINES);
  const how = killedBy ? `was killed by ${killedBy}` : `exited with code ${code}`;
  return [`ffmpeg ${how} while writing ${output}`, ...tail.map((line) => `  ${line}`)].join('\n');
}
