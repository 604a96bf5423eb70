import { Inject, Injectable } from '@nestjs/common';
import { DomainError, invalid } from '../../domain/shared/domain-error.js';
import {
  PASSWORD_HASHER,
  type PasswordHasher,
  TOKEN_SERVICE,
  type TokenService,
  USER_REPOSITORY,
  type UserRecord,
  type UserRepository,
} from '../ports/identity.port.js';
import { CLOCK, type Clock, ID_GENERATOR, type IdGenerator } from '../ports/system.port.js';
import { WEBHOOK_SECRET_STORE, type WebhookSecretStore } from '../ports/webhook.port.js';

export interface UserView {
  id: string;
  username: string;
  email: string;
  role: 'user' | 'admin';
  created_at: string;
  updated_at: string;
  /** Whether callbacks are signed; the secret itself is shown only when it is made. */
  webhook_secret: { configured: boolean; created_at: string | null };
  /** After a password change only: the new token (every earlier one is revoked). */
  token?: string;
}

export interface WebhookSecretView {
  secret: string;
  created_at: string;
}

export interface AuthResult {
  user_id: string;
  email: string;
  token: string;
}

export const toUserView = (user: UserRecord): UserView => ({
  id: user.id,
  username: user.username,
  email: user.email,
  role: user.role,
  created_at: user.createdAt,
  updated_at: user.updatedAt,
  webhook_secret: {
    configured: user.webhookSecretCreatedAt !== null,
    created_at: user.webhookSecretCreatedAt,
  },
});

/** 32 random bytes; the prefix makes a leaked one easy to recognise in logs and scanners. */
const newWebhookSecret = () =>
  `whsec_${Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(32))).toString('base64url')}`;

const badCredentials = () =>
  new DomainError('unauthorized', 'AUTH.INVALID_CREDENTIALS', 'invalid email or password');

@Injectable()
export class IdentityService {
  /** Verified against when the email is unknown, so a miss costs as long as a hit. */
  private dummyHash: Promise<string> | null = null;

  constructor(
    @Inject(USER_REPOSITORY) private readonly users: UserRepository,
    @Inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
    @Inject(TOKEN_SERVICE) private readonly tokens: TokenService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(WEBHOOK_SECRET_STORE) private readonly webhookSecrets: WebhookSecretStore,
  ) {}

  async register(
    input: { username: string; email: string; password: string },
    adminEmails: readonly string[] = [],
  ): Promise<AuthResult> {
    const now = this.clock.now().toISOString();
    const email = input.email.trim();
    const user: UserRecord = {
      id: this.ids.uuid(),
      username: input.username.trim(),
      email,
      passwordHash: await this.hasher.hash(input.password),
      role: adminEmails.includes(email.toLowerCase()) ? 'admin' : 'user',
      createdAt: now,
      updatedAt: now,
      webhookSecretCreatedAt: null,
      tokenEpoch: 0,
    };
    if ((await this.users.insert(user)) === 'email_taken') {
      throw new DomainError('conflict', 'USER.EMAIL_TAKEN', 'email is already registered', {
        field: 'email',
      });
    }
    return {
      user_id: user.id,
      email: user.email,
      token: await this.tokens.issue({ sub: user.id, email: user.email, epoch: user.tokenEpoch }),
    };
  }

  async login(input: { email: string; password: string }): Promise<AuthResult> {
    const user = await this.users.findByEmail(input.email.trim());
    if (!user) {
      this.dummyHash ??= this.hasher.hash('not-a-real-password');
      await this.hasher.verify(await this.dummyHash, input.password);
      throw badCredentials();
    }
    if (!(await this.hasher.verify(user.passwordHash, input.password))) throw badCredentials();
    return {
      user_id: user.id,
      email: user.email,
      token: await this.tokens.issue({ sub: user.id, email: user.email, epoch: user.tokenEpoch }),
    };
  }

  async me(userId: string): Promise<UserView> {
    return toUserView(await this.requireUser(userId));
  }

  async updateMe(
    userId: string,
    input: { username?: string; current_password?: string; new_password?: string },
  ): Promise<UserView> {
    const user = await this.requireUser(userId);
    let passwordHash: string | undefined;
    if (input.new_password !== undefined) {
      if (input.current_password === undefined) {
        throw invalid('USER.CURRENT_PASSWORD_REQUIRED', 'current_password: required to change the password', {
          field: 'current_password',
        });
      }
      if (!(await this.hasher.verify(user.passwordHash, input.current_password))) {
        throw invalid('USER.WRONG_PASSWORD', 'current_password: does not match', {
          field: 'current_password',
        });
      }
      passwordHash = await this.hasher.hash(input.new_password);
    }
    const updated = await this.users.update(
      userId,
      { username: input.username?.trim(), passwordHash },
      this.clock.now().toISOString(),
    );
    if (!updated) throw new DomainError('unauthorized', 'AUTH.USER_GONE', 'user no longer exists');
    if (passwordHash === undefined) return toUserView(updated);
    // Every earlier token (this one included) is revoked: the answer carries the caller's new one.
    return {
      ...toUserView(updated),
      token: await this.tokens.issue({ sub: updated.id, email: updated.email, epoch: updated.tokenEpoch }),
    };
  }

  /** Makes (or replaces) the caller's webhook signing secret and returns it: the only time it is shown. */
  async rotateWebhookSecret(userId: string): Promise<WebhookSecretView> {
    const secret = newWebhookSecret();
    const now = this.clock.now().toISOString();
    if (!(await this.webhookSecrets.save(userId, secret, now))) {
      throw new DomainError('unauthorized', 'AUTH.USER_GONE', 'user no longer exists');
    }
    return { secret, created_at: now };
  }

  async requireUser(userId: string): Promise<UserRecord> {
    const user = await this.users.findById(userId);
    if (!user) throw new DomainError('unauthorized', 'AUTH.USER_GONE', 'user no longer exists');
    return user;
  }
}
