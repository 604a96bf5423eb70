import { describe, expect, it } from '@jest/globals';
import {
  mediaSigningSecret,
  MediaUrlSigner,
} from '../../../src/infrastructure/media-store/media-url-signer.js';

describe('MediaUrlSigner', () => {
  const secret = mediaSigningSecret('a-jwt-secret-a-jwt-secret-a-jwt-secret');
  const now = 1_700_000_000;
  const signer = new MediaUrlSigner(secret, () => now);

  it('accepts its own signature until the expiry second, then reports expiry', () => {
    const signature = signer.sign('a/b.mp4', now);
    expect(signature).toMatch(/^[0-9a-f]{64}$/);
    expect(signer.verify('a/b.mp4', String(now), signature)).toBe('ok');
    expect(new MediaUrlSigner(secret, () => now + 1).verify('a/b.mp4', String(now), signature)).toBe(
      'expired',
    );
  });

  it('refuses a changed key, a changed expiry, another secret and malformed input', () => {
    const expires = now + 60;
    const signature = signer.sign('a/b.mp4', expires);
    expect(signer.verify('a/c.mp4', String(expires), signature)).toBe('invalid');
    expect(signer.verify('a/b.mp4', String(expires + 1), signature)).toBe('invalid');
    const other = new MediaUrlSigner(mediaSigningSecret('another-secret-another-secret-another'), () => now);
    expect(other.verify('a/b.mp4', String(expires), signature)).toBe('invalid');
    expect(signer.verify('a/b.mp4', undefined, signature)).toBe('invalid');
    expect(signer.verify('a/b.mp4', String(expires), undefined)).toBe('invalid');
    expect(signer.verify('a/b.mp4', `${expires}.0`, signature)).toBe('invalid');
    expect(signer.verify('a/b.mp4', String(expires), signature.toUpperCase())).toBe('invalid');
    expect(signer.verify('a/b.mp4', String(expires), signature.slice(2))).toBe('invalid');
  });

  it('does not reveal expiry for a forged link', () => {
    expect(signer.verify('a/b.mp4', String(now - 100), '0'.repeat(64))).toBe('invalid');
  });

  it('derives a key distinct from the JWT secret', () => {
    expect(secret).not.toContain('a-jwt-secret');
    expect(secret).toHaveLength(64);
  });
});
