import { describe, expect, it } from '@jest/globals';
import { WebhookSecretCipher } from '../../../src/infrastructure/identity/sql.webhook-secret-store.js';

describe('webhook secret encryption at rest', () => {
  const cipher = new WebhookSecretCipher('jwt-secret-jwt-secret-jwt-secret-0001');
  const secret = 'whsec_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

  it('round-trips, and never stores the clear value or the same bytes twice', () => {
    const a = cipher.encrypt('user-1', secret);
    const b = cipher.encrypt('user-1', secret);
    expect(a).not.toContain(secret);
    expect(a).not.toBe(b);
    expect(cipher.decrypt('user-1', a)).toBe(secret);
    expect(cipher.decrypt('user-1', b)).toBe(secret);
  });

  it('does not decrypt on another user row, after tampering, or under a rotated JWT_SECRET', () => {
    const stored = cipher.encrypt('user-1', secret);
    expect(cipher.decrypt('user-2', stored)).toBeNull();
    const [v, iv, tag, body] = stored.split('.') as [string, string, string, string];
    const flipped = `${body[0] === 'A' ? 'B' : 'A'}${body.slice(1)}`;
    expect(cipher.decrypt('user-1', [v, iv, tag, flipped].join('.'))).toBeNull();
    expect(cipher.decrypt('user-1', 'garbage')).toBeNull();
    expect(
      new WebhookSecretCipher('another-jwt-secret-another-jwt-secret').decrypt('user-1', stored),
    ).toBeNull();
  });
});
