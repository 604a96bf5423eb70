import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  signWebhookBody,
  verifyWebhookSignature,
} from '../../../src/application/webhooks/webhook-signature.js';

describe('webhook signatures', () => {
  const secret = 'whsec_test-secret';
  const body = '{"event":"drama.completed","drama_id":"d1","title":"我的网剧"}';

  it('is sha256=<hex> of HMAC-SHA256 over the exact raw bytes', () => {
    const expected = createHmac('sha256', secret).update(Buffer.from(body, 'utf8')).digest('hex');
    expect(signWebhookBody(secret, body)).toBe(`sha256=${expected}`);
    expect(signWebhookBody(secret, Buffer.from(body))).toBe(`sha256=${expected}`);
    // A known vector, so a change of algorithm or encoding cannot slip through.
    expect(signWebhookBody('key', 'The quick brown fox jumps over the lazy dog')).toBe(
      'sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    );
  });

  it('verifies the genuine body and refuses any change to body, secret or header', () => {
    const header = signWebhookBody(secret, body);
    expect(verifyWebhookSignature(secret, body, header)).toBe(true);
    expect(verifyWebhookSignature(secret, body.replace('d1', 'd2'), header)).toBe(false);
    // Re-serialised JSON is not the same bytes: receivers must verify the raw body.
    expect(verifyWebhookSignature(secret, JSON.stringify(JSON.parse(body), null, 1), header)).toBe(false);
    expect(verifyWebhookSignature('whsec_other', body, header)).toBe(false);
    expect(verifyWebhookSignature(secret, body, header.toUpperCase())).toBe(false);
    expect(verifyWebhookSignature(secret, body, header.slice(0, -2))).toBe(false);
    expect(verifyWebhookSignature(secret, body, undefined)).toBe(false);
  });
});
