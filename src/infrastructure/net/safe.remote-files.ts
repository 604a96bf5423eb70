import type { RemoteFiles } from '../../application/ports/remote-files.port.js';
import {
  describeUrl,
  type NetworkPolicy,
  type Resolver,
  safeDownload,
  SafeFetchError,
  type SafeFetchErrorCode,
} from './safe-fetch.js';

const UNREACHABLE = new Set<SafeFetchErrorCode>(['blocked_address', 'network', 'timeout']);

/**
 * Client-supplied URLs, fetched under the outbound policy. A refused address and a target that did not
 * answer get one message, so the error text says nothing about what listens where.
 */
export class SafeRemoteFiles implements RemoteFiles {
  constructor(
    private readonly policy: NetworkPolicy,
    private readonly resolver?: Resolver,
  ) {}

  async download(
    url: string,
    destination: string,
    options: { maxBytes: number; contentTypes: readonly string[]; timeoutMs: number; signal: AbortSignal },
  ): Promise<{ path: string; contentType: string; bytes: number }> {
    const result = await this.guarded(url, () =>
      safeDownload(url, destination, {
        resolver: this.resolver,
        policy: this.policy,
        maxBytes: options.maxBytes,
        accept: options.contentTypes,
        sniff: options.contentTypes.every((t) => t.startsWith('image/')) ? 'image' : undefined,
        timeoutMs: options.timeoutMs,
        signal: options.signal,
      }),
    );
    return { path: result.path, contentType: result.contentType, bytes: result.bytes };
  }

  private async guarded<T>(url: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof SafeFetchError && UNREACHABLE.has(error.code)) {
        throw new SafeFetchError(
          'blocked_address',
          `${describeUrl(url)} could not be fetched: not reachable, or not an address this server may fetch`,
        );
      }
      throw error;
    }
  }
}
