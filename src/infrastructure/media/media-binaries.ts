import { execFileSync } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** What the pipeline asks of an ffmpeg build: the encoders it writes with and the filters it draws with. */
export const REQUIRED_FFMPEG = {
  encoders: ['libx264', 'aac'],
  filters: [
    'ass',
    'drawtext',
    'drawbox',
    'overlay',
    'crop',
    'amix',
    'anoisesrc',
    'sine',
    'blackdetect',
    'silencedetect',
    'ebur128',
  ],
} as const;

export interface MediaBinaries {
  ffmpeg: string;
  ffprobe: string;
  /** configured: FFMPEG_PATH; system: the first capable ffmpeg on PATH; bundled: the npm packages' 2018 build. */
  source: 'configured' | 'system' | 'bundled';
  /** e.g. "5.1.9-0+deb12u1". */
  version: string;
  /** Why a system ffmpeg that was found is not used (so the start log can say it). */
  skipped?: string;
}

/** Everything the resolver touches on the machine, so the order of preference can be tested. */
export interface MediaBinaryProbe {
  /** An executable `name` on PATH, or undefined. */
  which(name: string): string | undefined;
  /** The required encoders and filters the binary lacks ([] when it has them all). */
  missing(ffmpeg: string): string[];
  version(ffmpeg: string): string;
  bundled(): { ffmpeg: string; ffprobe: string };
}

export class MediaBinaryError extends Error {}

/**
 * Which ffmpeg runs, most current first: the operator's (FFMPEG_PATH, FFPROBE_PATH — checked: it must run
 * and have every encoder and filter the pipeline uses, or the process does not start), else a capable
 * system ffmpeg on PATH (Debian's in the Docker image), else the build bundled with the npm packages.
 * FFMPEG_PATH=bundled forces the bundled pair (the test run uses it to check the media suites on both).
 */
export function resolveMediaBinaries(
  env: Record<string, string | undefined>,
  probe: MediaBinaryProbe = machineProbe,
): MediaBinaries {
  const configured = env.FFMPEG_PATH?.trim();
  const configuredProbe = env.FFPROBE_PATH?.trim();
  if (configured === 'bundled') return bundledPair(probe);
  if (configured) {
    runnable(configured, 'FFMPEG_PATH');
    const missing = probe.missing(configured);
    if (missing.length > 0) {
      throw new MediaBinaryError(
        `FFMPEG_PATH=${configured} lacks what the pipeline needs: ${missing.join(', ')} ` +
          "(use a full build such as Debian's ffmpeg package, or unset FFMPEG_PATH)",
      );
    }
    const ffprobe = configuredProbe
      ? runnable(configuredProbe, 'FFPROBE_PATH')
      : (besides(configured, 'ffprobe') ?? probe.which('ffprobe') ?? probe.bundled().ffprobe);
    return { ffmpeg: configured, ffprobe, source: 'configured', version: probe.version(configured) };
  }
  const system = probe.which('ffmpeg');
  if (!system) return bundledPair(probe);
  const missing = probe.missing(system);
  const ffprobe = configuredProbe
    ? runnable(configuredProbe, 'FFPROBE_PATH')
    : (besides(system, 'ffprobe') ?? probe.which('ffprobe'));
  if (missing.length > 0 || !ffprobe) {
    const why = missing.length > 0 ? `it lacks ${missing.join(', ')}` : 'no ffprobe beside it';
    return { ...bundledPair(probe), skipped: `the system ffmpeg at ${system} is not used: ${why}` };
  }
  return { ffmpeg: system, ffprobe, source: 'system', version: probe.version(system) };
}

function bundledPair(probe: MediaBinaryProbe): MediaBinaries {
  const { ffmpeg, ffprobe } = probe.bundled();
  return { ffmpeg, ffprobe, source: 'bundled', version: probe.version(ffmpeg) };
}

function runnable(path: string, variable: string): string {
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new MediaBinaryError(`${variable}=${path} is not an executable file`);
  }
  return path;
}

function besides(ffmpeg: string, name: string): string | undefined {
  const path = join(dirname(ffmpeg), name);
  return isExecutable(path) ? path : undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function withExecutableBit(path: string): string {
  // Some installs (npm with --ignore-scripts, tarball copies) drop the executable bit.
  if (!isExecutable(path) && existsSync(path)) chmodSync(path, 0o755);
  return path;
}

const listing = (ffmpeg: string, what: '-encoders' | '-filters'): string =>
  execFileSync(ffmpeg, ['-hide_banner', what], { encoding: 'utf8', timeout: 10_000, stdio: 'pipe' });

/** The names in `ffmpeg -encoders` / `-filters` output: lines of flags, a name and a description. */
export function listedNames(output: string): Set<string> {
  const names = new Set<string>();
  for (const line of output.split('\n')) {
    const match = /^\s*[A-Z.|]{2,}\s+([\w-]+)\s/.exec(line);
    if (match) names.add(match[1]!);
  }
  return names;
}

export const machineProbe: MediaBinaryProbe = {
  which(name) {
    for (const dir of (process.env.PATH ?? '').split(delimiter)) {
      if (dir && isExecutable(join(dir, name))) return join(dir, name);
    }
    return undefined;
  },
  missing(ffmpeg) {
    let encoders: Set<string>;
    let filters: Set<string>;
    try {
      encoders = listedNames(listing(ffmpeg, '-encoders'));
      filters = listedNames(listing(ffmpeg, '-filters'));
    } catch (error) {
      return [`a working binary (${error instanceof Error ? error.message.split('\n')[0] : error})`];
    }
    return [
      ...REQUIRED_FFMPEG.encoders.filter((name) => !encoders.has(name)).map((name) => `encoder ${name}`),
      ...REQUIRED_FFMPEG.filters.filter((name) => !filters.has(name)).map((name) => `filter ${name}`),
    ];
  },
  version(ffmpeg) {
    try {
      const first = execFileSync(ffmpeg, ['-version'], { encoding: 'utf8', timeout: 10_000, stdio: 'pipe' });
      return /version (\S+)/.exec(first)?.[1] ?? 'unknown';
    } catch {
      return 'unknown';
    }
  },
  bundled() {
    return {
      ffmpeg: withExecutableBit((require('@ffmpeg-installer/ffmpeg') as { path: string }).path),
      ffprobe: withExecutableBit((require('@ffprobe-installer/ffprobe') as { path: string }).path),
    };
  },
};

let resolved: MediaBinaries | undefined;
/** The binaries this process runs, resolved once from its environment on first use. */
export function mediaBinaries(): MediaBinaries {
  resolved ??= resolveMediaBinaries(process.env);
  return resolved;
}

/** One line for the start log: which ffmpeg, from where, and why a system one was passed over. */
export function describeMediaBinaries(binaries: MediaBinaries = mediaBinaries()) {
  return {
    ffmpeg: binaries.ffmpeg,
    ffmpegVersion: binaries.version,
    ffmpegSource: binaries.source,
    ...(binaries.skipped ? { ffmpegNote: binaries.skipped } : {}),
  };
}
