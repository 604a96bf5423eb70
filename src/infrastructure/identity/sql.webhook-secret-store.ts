import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Database } from '../../application/ports/database.port.js';
import type { WebhookSecretStore } from '../../application/ports/webhook.port.js';

const VERSION = 'v1';

/**
 * Webhook secrets encrypted at rest with AES-256-GCM under a key derived from JWT_SECRET (HKDF-SHA256,
 * its own `info`, so the key is used for nothing else). The user id is the associated data: a
 * ciphertext copied onto another user's row does not decrypt. Rotating JWT_SECRET makes every stored
 * webhook secret unreadable: callbacks then go out unsigned until each user makes a new secret.
 */
export class WebhookSecretCipher {
  private readonly key: Buffer;

  constructor(jwtSecret: string) {
    this.key = Buffer.from(hkdfSync('sha256', jwtSecret, '3kstory', 'webhook-secret-encryption/v1', 32));
  }

  encrypt(userId: string, secret: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(userId));
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url'));
    return [VERSION, ...parts].join('.');
  }

  /** Null when the value was not made with this key (JWT_SECRET rotated) or was tampered with. */
  decrypt(userId: string, stored: string): string | null {
    const [version, iv, tag, body] = stored.split('.');
    if (version !== VERSION || !iv || !tag || body === undefined) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(userId));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      return null;
    }
  }
}

export class SqlWebhookSecretStore implements WebhookSecretStore {
  constructor(
    private readonly db: Database,
    private readonly cipher: WebhookSecretCipher,
  ) {}

  async save(userId: string, secret: string, now: string): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE users SET webhook_secret_enc = $2, webhook_secret_created_at = $3 WHERE id = $1 RETURNING id`,
      [userId, this.cipher.encrypt(userId, secret), now],
    );
    return rows.length === 1;
  }

  async reveal(userId: string): Promise<string | null> {
    const rows = await this.db.query<{ webhook_secret_enc: string | null }>(
      'SELECT webhook_secret_enc FROM users WHERE id = $1',
      [userId],
    );
    const stored = rows[0]?.webhook_secret_enc;
    return stored ? this.cipher.decrypt(userId, stored) : null;
  }
}
