/** Fetches a client-supplied URL (e.g. a storyboard image) with size, type and time limits. */
export interface RemoteFiles {
  download(
    url: string,
    destination: string,
    options: { maxBytes: number; contentTypes: readonly string[]; timeoutMs: number; signal: AbortSignal },
  ): Promise<{ path: string; contentType: string; bytes: number }>;
}
export const REMOTE_FILES = Symbol('RemoteFiles');
