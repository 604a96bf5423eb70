import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureCheck = 'ok' | 'expired' | 'invalid';

/**
 * Signs `/media/<key>` links: the signature in the URL is the authorisation, because a <video> tag cannot
 * send a bearer token. The HMAC covers the key and the expiry, so neither can be changed.
 */
export class MediaUrlSigner {
  constructor(
    private readonly secret: string,
    private readonly nowSec: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    if (secret.length < 32) throw new Error('media URL signing secret must be at least 32 characters');
  }

  now(): number {
    return this.nowSec();
  }

  sign(key: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`media-url\n${key}\n${expires}`).digest('hex');
  }

  /** Checks the signature before the expiry, so a forged link never learns whether it would have expired. */
  verify(key: string, expires: string | undefined, signature: string | undefined): SignatureCheck {
    if (!expires || !signature || !/^\d{1,12}$/.test(expires) || !/^[0-9a-f]{64}$/.test(signature)) {
      return 'invalid';
    }
    const expected = Buffer.from(this.sign(key, Number(expires)), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return 'invalid';
    return Number(expires) < this.nowSec() ? 'expired' : 'ok';
  }
}

/**
 * A key for media links derived from the JWT secret, so a media signature can never be replayed as
 * anything else signed with that secret.
 */
export const mediaSigningSecret = (jwtSecret: string): string =>
  createHmac('sha256', jwtSecret).update('3kstory media URL signing v1').digest('hex');
