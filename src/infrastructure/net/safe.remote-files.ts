import type { RemoteFiles } from '../../application/ports/remote-files.port.js';
import { type NetworkPolicy, safeDownload } from './safe-fetch.js';

/** Client-supplied URLs, fetched under the SSRF policy (no private addresses in production). */
export class SafeRemoteFiles implements RemoteFiles {
  constructor(private readonly policy: NetworkPolicy) {}

  async download(
    url: string,
    destination: string,
    options: { maxBytes: number; contentTypes: readonly string[]; timeoutMs: number; signal: AbortSignal },
  ): Promise<{ path: string; contentType: string; bytes: number }> {
    const result = await safeDownload(url, destination, {
      policy: this.policy,
      maxBytes: options.maxBytes,
      accept: options.contentTypes,
      sniff: options.contentTypes.every((t) => t.startsWith('image/')) ? 'image' : undefined,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    });
    return { path: result.path, contentType: result.contentType, bytes: result.bytes };
  }
}
