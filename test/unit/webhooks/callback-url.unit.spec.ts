import { describe, expect, it } from '@jest/globals';
import {
  NO_OUTBOUND_EXCEPTIONS,
  networkPolicyFor,
  parseOutboundAllow,
} from '../../../src/infrastructure/net/safe-fetch.js';
import { callbackUrl, checkCallbackTarget } from '../../../src/interfaces/http/schemas/callback-url.js';

const strict = networkPolicyFor(NO_OUTBOUND_EXCEPTIONS, ['10.0.0.5:8443']);

describe('callback_url', () => {
  it('accepts absolute http(s) URLs and refuses other schemes, credentials and overlong ones', () => {
    expect(callbackUrl.parse(' https://hooks.example.com/3k?x=1 ')).toBe('https://hooks.example.com/3k?x=1');
    expect(callbackUrl.parse(undefined)).toBeUndefined();
    for (const bad of [
      'ftp://x.com/',
      '/relative',
      'https://',
      'https://a:b@x.com/',
      `https://x.com/${'a'.repeat(2048)}`,
    ]) {
      expect(callbackUrl.safeParse(bad).success).toBe(false);
    }
  });

  it('refuses literal non-public addresses unless the policy allows them', () => {
    for (const url of [
      'http://127.0.0.1/',
      'http://10.0.0.8/',
      'http://172.16.5.4/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]/',
      'http://[fe80::1]/',
      'http://[fd00::1]/',
      'http://[::ffff:10.0.0.1]/',
    ]) {
      expect(() => checkCallbackTarget(url, strict)).toThrow(
        expect.objectContaining({ code: 'CALLBACK.BLOCKED_ADDRESS' }) as never,
      );
      expect(() => checkCallbackTarget(url, { ...strict, allowPrivateAddresses: true })).not.toThrow();
    }
    // The operator's list (OUTBOUND_ALLOW) opens exactly what it names, as it does for every other fetch.
    const listed = networkPolicyFor(parseOutboundAllow('10.1.0.0/16'));
    expect(() => checkCallbackTarget('http://10.1.2.3/hook', listed)).not.toThrow();
    expect(() => checkCallbackTarget('http://10.2.0.1/hook', listed)).toThrow();
    // Never the unspecified address, whatever is allowed.
    expect(() => checkCallbackTarget('http://0.0.0.0/', { ...strict, allowPrivateAddresses: true })).toThrow(
      expect.objectContaining({ code: 'CALLBACK.BLOCKED_ADDRESS' }) as never,
    );
    // Names are left to the send-time check, which resolves them.
    expect(() => checkCallbackTarget('http://localhost:9000/', strict)).not.toThrow();
    expect(() => checkCallbackTarget('https://93.184.215.14/hook', strict)).not.toThrow();
    expect(() => checkCallbackTarget('https://10.0.0.5:8443/hook', strict)).not.toThrow();
  });
});
