import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Inject,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { TOKEN_SERVICE, type TokenClaims, type TokenService } from '../../application/ports/identity.port.js';
import { requestContext } from '../../application/shared/request-context.js';
import { DomainError } from '../../domain/shared/domain-error.js';

export const IS_PUBLIC = 'isPublic';
/** Opts a route out of the global authentication guard. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export interface AuthUser {
  id: string;
  email: string;
}

type AuthedRequest = Request & { user?: AuthUser };

export const bearerToken = (header: string | undefined): string | null => {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1] ?? null;
};

/** Authentication is on by default for every route; `@Public()` routes opt out. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_SERVICE) private readonly tokens: TokenService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const token = bearerToken(request.headers.authorization);
    if (!token) {
      throw new DomainError(
        'unauthorized',
        'AUTH.MISSING_TOKEN',
        'authentication required: send Authorization: Bearer <token>',
      );
    }
    const claims: TokenClaims | null = await this.tokens.verify(token);
    if (!claims)
      throw new DomainError(
        'unauthorized',
        'AUTH.INVALID_TOKEN',
        'token is invalid, expired or revoked by a password change: log in again',
      );
    request.user = { id: claims.sub, email: claims.email };
    requestContext.assign({ userId: claims.sub });
    return true;
  }
}

export const CurrentUser = createParamDecorator(
  (_: unknown, context: ExecutionContext): AuthUser =>
    context.switchToHttp().getRequest<AuthedRequest>().user!,
);
