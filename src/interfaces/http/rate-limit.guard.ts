import { type CanActivate, type ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import {
  type BackoffPolicy,
  RATE_LIMITER,
  type RateLimiter,
} from '../../application/ports/rate-limiter.port.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import type { AuthUser } from './auth.js';

/** `password`: a route that checks the caller's current password (counted per user, like logins per account). */
export type RateLimitPolicy = 'auth' | 'generation' | 'password';
export const RATE_LIMIT_POLICY = 'rateLimitPolicy';
const POLICY = RATE_LIMIT_POLICY;
/** Counts this route against a policy's per-IP and per-user (or per-account) limits. */
export const RateLimit = (policy: RateLimitPolicy) => SetMetadata(POLICY, policy);

export interface RateLimitOptions {
  /** Attempts per minute from one address on the auth routes. */
  authPerIpPerMinute: number;
  /**
   * Login attempts for one account from one address before each further one must wait a growing delay
   * (reset by a successful login); also current-password checks per user per 15 minutes.
   */
  loginPerAccountPer15Min: number;
  /** Generation requests per hour by one user, and from one address. */
  generationPerUserPerHour: number;
  generationPerIpPerHour: number;
}
export const RATE_LIMIT_OPTIONS = Symbol('RateLimitOptions');

/** Delays between login attempts for one account from one address, once the free ones are spent. */
export const loginBackoff = (free: number): BackoffPolicy => ({
  free,
  baseSec: 1,
  maxSec: 15 * 60,
  forgetSec: 24 * 3600,
});

/**
 * The key login attempts are counted under: the account *and* the address, so guesses from one place
 * slow that place down and never lock the owner out from another.
 */
export const loginThrottleKey = (email: string, address: string) =>
  `login:${email.trim().toLowerCase()}:${address}`;

const refuse = (response: Response, waitSec: number): never => {
  const retryAfter = Math.max(1, Math.ceil(waitSec));
  response.setHeader('Retry-After', String(retryAfter));
  throw new DomainError('rate_limited', 'RATE.LIMITED', `too many requests: try again in ${retryAfter} s`, {
    retry_after_sec: retryAfter,
  });
};

/** Answers 429 with Retry-After once a limit is spent, and tells every client where it stands. */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @Inject(RATE_LIMIT_OPTIONS) private readonly options: RateLimitOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const policy = this.reflector.get<RateLimitPolicy | undefined>(POLICY, context.getHandler());
    if (!policy) return true;
    const request = context.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    const response = context.switchToHttp().getResponse<Response>();
    const ip = request.ip ?? 'unknown';
    const checks: [string, number, number][] = [];
    if (policy === 'auth') {
      checks.push([`auth:ip:${ip}`, this.options.authPerIpPerMinute, 60]);
      const email = (request.body as { email?: unknown } | undefined)?.email;
      if (request.path.endsWith('/login') && typeof email === 'string') {
        // The address's own limit first, then the delay for this account at this address.
        await this.check(response, checks);
        const key = loginThrottleKey(email, ip);
        const decision = await this.limiter.attempt(key, loginBackoff(this.options.loginPerAccountPer15Min));
        if (!decision.allowed) refuse(response, decision.waitSec);
        return true;
      }
    } else if (policy === 'password') {
      // Only requests that check a password count: a rename is not a guess.
      const body = request.body as { current_password?: unknown } | undefined;
      if (body?.current_password !== undefined && request.user) {
        checks.push([`auth:ip:${ip}`, this.options.authPerIpPerMinute, 60]);
        checks.push([`password:user:${request.user.id}`, this.options.loginPerAccountPer15Min, 900]);
      }
    } else {
      checks.push([`gen:ip:${ip}`, this.options.generationPerIpPerHour, 3600]);
      if (request.user)
        checks.push([`gen:user:${request.user.id}`, this.options.generationPerUserPerHour, 3600]);
    }
    await this.check(response, checks);
    return true;
  }

  private async check(response: Response, checks: [string, number, number][]): Promise<void> {
    for (const [key, limit, windowSec] of checks) {
      const decision = await this.limiter.consume(key, limit, windowSec);
      response.setHeader('RateLimit-Limit', String(decision.limit));
      response.setHeader('RateLimit-Remaining', String(decision.remaining));
      response.setHeader('RateLimit-Reset', String(decision.resetSec));
      if (!decision.allowed) refuse(response, decision.resetSec);
    }
  }
}
