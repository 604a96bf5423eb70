import type { TokenClaims, TokenService, UserRepository } from '../ports/identity.port.js';

/**
 * Tokens that are signed, unexpired and of the user's current epoch: a password change revokes every
 * token issued before it, and a deleted user's tokens stop working. One primary-key read per check.
 */
export class CurrentTokenService implements TokenService {
  constructor(
    private readonly signed: TokenService,
    private readonly users: Pick<UserRepository, 'tokenEpoch'>,
  ) {}

  issue(claims: TokenClaims): Promise<string> {
    return this.signed.issue(claims);
  }

  async verify(token: string): Promise<TokenClaims | null> {
    const claims = await this.signed.verify(token);
    if (!claims) return null;
    return (await this.users.tokenEpoch(claims.sub)) === claims.epoch ? claims : null;
  }
}
