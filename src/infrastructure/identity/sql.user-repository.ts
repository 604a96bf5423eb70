import type { Database } from '../../application/ports/database.port.js';
import type { UserRecord, UserRepository } from '../../application/ports/identity.port.js';
import { type Migration, sqlStatements } from '../database/migrations.js';

/** Users live in a plain table, not a stream: credentials must be deletable. */
export const identityMigrations: Migration[] = [
  {
    id: 'identity/001-users',
    up: sqlStatements(
      `CREATE TABLE IF NOT EXISTS users (
        id uuid PRIMARY KEY,
        username text NOT NULL,
        email text NOT NULL,
        password_hash text NOT NULL,
        role text NOT NULL DEFAULT 'user',
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`,
      `CREATE UNIQUE INDEX IF NOT EXISTS users_email_key ON users (lower(email))`,
    ),
  },
  {
    // Beside the credentials: deletable with the user, never in the immutable event log.
    id: 'identity/002-webhook-secret',
    up: sqlStatements(
      `ALTER TABLE users ADD COLUMN IF NOT EXISTS webhook_secret_enc text`,
      `ALTER TABLE users ADD COLUMN IF NOT EXISTS webhook_secret_created_at timestamptz`,
    ),
  },
  {
    // A password change moves it on: tokens issued before carry the old epoch and are refused.
    id: 'identity/003-token-epoch',
    up: sqlStatements(`ALTER TABLE users ADD COLUMN IF NOT EXISTS token_epoch int NOT NULL DEFAULT 0`),
  },
];

interface UserRow {
  id: string;
  username: string;
  email: string;
  password_hash: string;
  role: 'user' | 'admin';
  created_at: Date | string;
  updated_at: Date | string;
  webhook_secret_created_at: Date | string | null;
  token_epoch: number;
}

const toRecord = (row: UserRow): UserRecord => ({
  id: row.id,
  username: row.username,
  email: row.email,
  passwordHash: row.password_hash,
  role: row.role,
  createdAt: new Date(row.created_at).toISOString(),
  updatedAt: new Date(row.updated_at).toISOString(),
  webhookSecretCreatedAt: row.webhook_secret_created_at
    ? new Date(row.webhook_secret_created_at).toISOString()
    : null,
  tokenEpoch: Number(row.token_epoch ?? 0),
});

export class SqlUserRepository implements UserRepository {
  constructor(private readonly db: Database) {}

  async insert(user: UserRecord): Promise<'ok' | 'email_taken'> {
    const rows = await this.db.query(
      `INSERT INTO users (id, username, email, password_hash, role, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING id`,
      [user.id, user.username, user.email, user.passwordHash, user.role, user.createdAt, user.updatedAt],
    );
    return rows.length === 1 ? 'ok' : 'email_taken';
  }

  async findByEmail(email: string): Promise<UserRecord | null> {
    const rows = await this.db.query<UserRow>('SELECT * FROM users WHERE lower(email) = lower($1)', [email]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async tokenEpoch(id: string): Promise<number | null> {
    const rows = await this.db.query<{ token_epoch: number }>('SELECT token_epoch FROM users WHERE id = $1', [
      id,
    ]);
    return rows[0] ? Number(rows[0].token_epoch) : null;
  }

  async findById(id: string): Promise<UserRecord | null> {
    const rows = await this.db.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async update(
    id: string,
    changes: Partial<Pick<UserRecord, 'username' | 'passwordHash' | 'role'>>,
    now: string,
  ): Promise<UserRecord | null> {
    const rows = await this.db.query<UserRow>(
      `UPDATE users SET username = COALESCE($2, username), password_hash = COALESCE($3, password_hash),
         token_epoch = token_epoch + CASE WHEN $3::text IS NULL THEN 0 ELSE 1 END,
         role = COALESCE($4, role), updated_at = $5 WHERE id = $1 RETURNING *`,
      [id, changes.username ?? null, changes.passwordHash ?? null, changes.role ?? null, now],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }
}
