/**
 * Webhook signing secrets. They must be usable for signing, so they are stored encrypted (not hashed);
 * the clear value is shown to the user once, when it is made.
 */
export interface WebhookSecretStore {
  /** Replaces the user's secret; false when the user does not exist. */
  save(userId: string, secret: string, now: string): Promise<boolean>;
  /** The user's secret in clear, or null when there is none (or it cannot be decrypted any more). */
  reveal(userId: string): Promise<string | null>;
}

export type WebhookResponse =
  | { ok: true; status: number; snippet: string; durationMs: number }
  | {
      ok: false;
      /** The HTTP status, or null when no answer came. */
      status: number | null;
      error: string;
      snippet: string;
      durationMs: number;
      /** Retrying cannot help (the target is refused by the network policy, or the URL is unusable). */
      permanent: boolean;
    };

/** POSTs a callback body under the deployment's network policy (no private targets unless allowed). */
export interface WebhookSender {
  post(url: string, body: string, headers: Record<string, string>): Promise<WebhookResponse>;
}

export const WEBHOOK_SECRET_STORE = Symbol('WebhookSecretStore');
