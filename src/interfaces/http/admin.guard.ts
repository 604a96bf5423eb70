import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { USER_REPOSITORY, type UserRepository } from '../../application/ports/identity.port.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import type { AuthUser } from './auth.js';

/**
 * Admin routes: the role is read from the users table on every request (not from the token), so a
 * demoted admin loses access at once. Runs after the global AuthGuard has identified the user.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(@Inject(USER_REPOSITORY) private readonly users: UserRepository) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const user = context.switchToHttp().getRequest<Request & { user?: AuthUser }>().user;
    const record = user ? await this.users.findById(user.id) : null;
    if (record?.role !== 'admin') {
      throw new DomainError('forbidden', 'AUTH.ADMIN_ONLY', 'this route is for administrators only');
    }
    return true;
  }
}
