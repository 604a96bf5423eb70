/** Whether a signed media link (`/media/<key>?expires=…&signature=…`) is one this server issued and still valid. */
export type MediaLinkCheck = 'ok' | 'invalid' | 'expired';

export interface MediaLinkVerifier {
  verify(key: string, expires: string | undefined, signature: string | undefined): MediaLinkCheck;
  /** Now, in seconds since the epoch, by the clock links expire by. */
  now(): number;
}

export const MEDIA_LINK_VERIFIER = Symbol('MediaLinkVerifier');

/**
 * A picture a request points at: a URL the job downloads under the outbound policy, or an object of this
 * server's media store (as a signed link, or the bare /media/<key> path of the caller's own media).
 */
export type ImageRef =
  { kind: 'url'; url: string } | { kind: 'media'; key: string; expires?: string; signature?: string };
