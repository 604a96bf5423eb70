export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

export interface TokenClaims {
  sub: string;
  email: string;
  /** The user's token epoch when issued: a password change moves it on and so revokes every earlier token. */
  epoch: number;
}

export interface TokenService {
  issue(claims: TokenClaims): Promise<string>;
  /** Returns the claims, or null for a missing, malformed, forged or expired token. */
  verify(token: string): Promise<TokenClaims | null>;
}

export interface UserRecord {
  id: string;
  username: string;
  email: string;
  passwordHash: string;
  role: 'user' | 'admin';
  createdAt: string;
  updatedAt: string;
  /** When the current webhook signing secret was made; null when there is none. */
  webhookSecretCreatedAt: string | null;
  /** Moves on with every password change; tokens of an earlier epoch are refused. */
  tokenEpoch: number;
}

export interface UserRepository {
  insert(user: UserRecord): Promise<'ok' | 'email_taken'>;
  findByEmail(email: string): Promise<UserRecord | null>;
  findById(id: string): Promise<UserRecord | null>;
  /** The user's current token epoch; null when the user no longer exists. */
  tokenEpoch(id: string): Promise<number | null>;
  update(
    id: string,
    changes: Partial<Pick<UserRecord, 'username' | 'passwordHash' | 'role'>>,
    now: string,
  ): Promise<UserRecord | null>;
}

export const PASSWORD_HASHER = Symbol('PasswordHasher');
export const TOKEN_SERVICE = Symbol('TokenService');
export const USER_REPOSITORY = Symbol('UserRepository');
