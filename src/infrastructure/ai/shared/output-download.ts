import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { ProviderError, type JobContext } from '../../../application/ports/ai-providers.port.js';
import type { AiLimits } from '../../config/ai.config.js';
import {
  SafeFetchError,
  networkPolicyFor,
  safeDownload,
  type Download,
  type MediaKind,
} from '../../net/safe-fetch.js';

export interface OutputFile {
  url: string;
  /** Absolute destination; see workFile. */
  path: string;
  kind: MediaKind;
}

/** A file in the job's folder; characters that are unsafe in a file name (from remote ids) are replaced. */
export const workFile = (ctx: JobContext, name: string): string =>
  join(ctx.workDir, name.replace(/[^\w.-]/g, '_'));

const ACCEPT: Record<MediaKind, readonly string[]> = {
  image: ['image/png', 'image/jpeg', 'image/webp'],
  video: ['video/mp4', 'video/quicktime', 'video/webm'],
  audio: ['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave', 'audio/mpeg'],
};

/**
 * Downloads a provider's output into the job folder at once (provider URLs expire). The provider's
 * configured API host is always allowed; any other host must be public in production.
 */
export async function downloadOutput(
  provider: string,
  apiBaseUrl: string,
  limits: AiLimits,
  ctx: JobContext,
  file: OutputFile,
): Promise<Download> {
  try {
    return await safeDownload(file.url, file.path, {
      policy: networkPolicyFor(limits.outbound, [new URL(apiBaseUrl).host]),
      accept: ACCEPT[file.kind],
      sniff: file.kind,
      maxBytes: limits.downloadMaxBytes,
      timeoutMs: limits.downloadTimeoutMs,
      signal: ctx.signal,
    });
  } catch (error) {
    if (!(error instanceof SafeFetchError)) throw error;
    const permanent =
      error.code === 'blocked_address' || error.code === 'bad_url' || error.code === 'too_large';
    throw new ProviderError(
      provider,
      permanent ? 'invalid_input' : 'transient',
      `output download failed: ${error.message}`,
      { status: error.status, providerCode: error.code },
    );
  }
}

const EXTENSIONS: Record<string, string> = {
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/webp': '.webp',
  'video/mp4': '.mp4',
  'video/quicktime': '.mov',
  'video/webm': '.webm',
  'audio/mpeg': '.mp3',
};

/** Gives a downloaded file the extension of its content type (ffmpeg and browsers go by it). */
export async function nameByType(download: Download): Promise<Download> {
  const extension = EXTENSIONS[download.contentType] ?? '';
  if (extension === '' || download.path.endsWith(extension)) return download;
  const path = `${download.path.replace(/\.[^./]*$/, '')}${extension}`;
  await rename(download.path, path);
  return { ...download, path };
}
