import type { WebhookResponse, WebhookSender } from '../../application/ports/webhook.port.js';
import { type NetworkPolicy, safeFetch, SafeFetchError } from './safe-fetch.js';

/** Characters of the receiver's answer kept for diagnosis. */
export const SNIPPET_CHARS = 200;
const MAX_READ_BYTES = 4 * 1024;

export interface WebhookSenderOptions {
  policy: NetworkPolicy;
  timeoutMs: number;
}

const snippetOf = (body: Buffer) =>
  body
    .subarray(0, SNIPPET_CHARS * 4)
    .toString('utf8')
    .slice(0, SNIPPET_CHARS);

/**
 * Callbacks through the SSRF-safe client: every address the host resolves to is checked (unless the
 * policy allows private targets), and redirects are not followed, since a receiver that redirects
 * could point the signed body anywhere.
 */
export class SafeWebhookSender implements WebhookSender {
  constructor(private readonly options: WebhookSenderOptions) {}

  async post(url: string, body: string, headers: Record<string, string>): Promise<WebhookResponse> {
    const started = Date.now();
    try {
      const response = await safeFetch(url, {
        policy: this.options.policy,
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
        },
        body,
        timeoutMs: this.options.timeoutMs,
        followRedirects: false,
        maxBytes: MAX_READ_BYTES,
        truncate: true,
      });
      const durationMs = Date.now() - started;
      const snippet = snippetOf(response.body);
      if (response.status >= 200 && response.status <= 299) {
        return { ok: true, status: response.status, snippet, durationMs };
      }
      const redirect = response.status >= 300 && response.status <= 399;
      return {
        ok: false,
        status: response.status,
        error: redirect
          ? `receiver answered HTTP ${response.status} (redirects are not followed)`
          : `receiver answered HTTP ${response.status}`,
        snippet,
        durationMs,
        permanent: false,
      };
    } catch (error) {
      const durationMs = Date.now() - started;
      if (error instanceof SafeFetchError) {
        const permanent = error.code === 'blocked_address' || error.code === 'bad_url';
        return {
          ok: false,
          status: error.status ?? null,
          error: error.message,
          snippet: '',
          durationMs,
          permanent,
        };
      }
      return {
        ok: false,
        status: null,
        error: (error as Error).message,
        snippet: '',
        durationMs,
        permanent: false,
      };
    }
  }
}
