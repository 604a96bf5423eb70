import { UNSTORABLE_TEXT } from '../../domain/shared/text.js';
import { jwtVerify, SignJWT } from 'jose';
import type { TokenClaims, TokenService } from '../../application/ports/identity.port.js';
import { isUuid } from '../../domain/shared/ids.js';

const ISSUER = '3kstory';

export class JoseTokenService implements TokenService {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly ttlSec: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  issue(claims: TokenClaims): Promise<string> {
    return new SignJWT({ email: claims.email, ep: claims.epoch })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.sub)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSec}s`)
      .sign(this.key);
  }

  async verify(token: string): Promise<TokenClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        algorithms: ['HS256'],
        // A token that never expires is not one this server issues: refuse it.
        requiredClaims: ['exp', 'sub'],
      });
      // Only a token this server issued can pass the signature check, but a leaked secret or an old
      // format must still not reach the database with a subject that is not a user id.
      if (!isUuid(payload.sub)) return null;
      if (typeof payload.email !== 'string' || UNSTORABLE_TEXT.test(payload.email)) return null;
      // Tokens issued before epochs existed carry none: epoch 0, valid until the first password change.
      const epoch = payload.ep === undefined ? 0 : payload.ep;
      if (typeof epoch !== 'number' || !Number.isSafeInteger(epoch) || epoch < 0) return null;
      return { sub: payload.sub, email: payload.email, epoch };
    } catch {
      return null;
    }
  }
}
