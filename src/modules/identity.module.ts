import { Module } from '@nestjs/common';
import { IDENTITY_OPTIONS } from '../application/identity/identity.options.js';
import { CurrentTokenService } from '../application/identity/current-token.service.js';
import { IdentityService } from '../application/identity/identity.service.js';
import { DATABASE, type Database } from '../application/ports/database.port.js';
import {
  PASSWORD_HASHER,
  TOKEN_SERVICE,
  USER_REPOSITORY,
  type UserRepository,
} from '../application/ports/identity.port.js';
import { WEBHOOK_SECRET_STORE } from '../application/ports/webhook.port.js';
import { APP_CONFIG, type AppConfig } from '../infrastructure/config/config.js';
import {
  Argon2PasswordHasher,
  PooledArgon2PasswordHasher,
} from '../infrastructure/identity/argon2.password-hasher.js';
import { JoseTokenService } from '../infrastructure/identity/jose.token-service.js';
import { SqlUserRepository } from '../infrastructure/identity/sql.user-repository.js';
import {
  SqlWebhookSecretStore,
  WebhookSecretCipher,
} from '../infrastructure/identity/sql.webhook-secret-store.js';
import { StorageModule } from './storage.module.js';

/**
 * Users (a table, not a stream: credentials must be deletable), password hashing (a pool of threads,
 * which closes itself on shutdown), tokens that die with a password change, and webhook signing secrets.
 */
@Module({
  imports: [StorageModule],
  providers: [
    { provide: USER_REPOSITORY, inject: [DATABASE], useFactory: (db: Database) => new SqlUserRepository(db) },
    {
      provide: PASSWORD_HASHER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        config.PASSWORD_HASH_THREADS === 0
          ? new Argon2PasswordHasher()
          : new PooledArgon2PasswordHasher({ threads: config.PASSWORD_HASH_THREADS }),
    },
    {
      provide: TOKEN_SERVICE,
      inject: [APP_CONFIG, USER_REPOSITORY],
      useFactory: (config: AppConfig, users: UserRepository) =>
        new CurrentTokenService(new JoseTokenService(config.JWT_SECRET, config.JWT_TTL_SEC), users),
    },
    {
      provide: WEBHOOK_SECRET_STORE,
      inject: [APP_CONFIG, DATABASE],
      useFactory: (config: AppConfig, db: Database) =>
        new SqlWebhookSecretStore(db, new WebhookSecretCipher(config.JWT_SECRET)),
    },
    {
      provide: IDENTITY_OPTIONS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ adminEmails: config.ADMIN_EMAILS }),
    },
    IdentityService,
  ],
  exports: [
    USER_REPOSITORY,
    PASSWORD_HASHER,
    TOKEN_SERVICE,
    WEBHOOK_SECRET_STORE,
    IDENTITY_OPTIONS,
    IdentityService,
  ],
})
export class IdentityModule {}
