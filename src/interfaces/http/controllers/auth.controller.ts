import { Body, Controller, Get, Header, HttpCode, Inject, Post, Put, Req } from '@nestjs/common';
import type { Request } from 'express';
import { RATE_LIMITER, type RateLimiter } from '../../../application/ports/rate-limiter.port.js';
import {
  IdentityService,
  type AuthResult,
  type UserView,
  type WebhookSecretView,
} from '../../../application/identity/identity.service.js';
import { IDENTITY_OPTIONS, type IdentityOptions } from '../../../application/identity/identity.options.js';
import { type AuthUser, CurrentUser, Public } from '../auth.js';
import {
  type LoginBody,
  loginBody,
  type RegisterBody,
  registerBody,
  type UpdateMeBody,
  updateMeBody,
} from '../schemas/auth.schemas.js';
import { NoIdempotencyReplay } from '../idempotency.interceptor.js';
import { loginThrottleKey, RateLimit } from '../rate-limit.guard.js';
import { ZodPipe } from '../zod.pipe.js';

@Controller('auth')
export class AuthController {
  constructor(
    private readonly identity: IdentityService,
    @Inject(IDENTITY_OPTIONS) private readonly options: IdentityOptions,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
  ) {}

  @Public()
  @RateLimit('auth')
  @Post('register')
  @HttpCode(201)
  register(@Body(new ZodPipe(registerBody)) body: RegisterBody): Promise<AuthResult> {
    return this.identity.register(body, this.options.adminEmails);
  }

  @Public()
  @RateLimit('auth')
  @Post('login')
  @HttpCode(200)
  async login(@Body(new ZodPipe(loginBody)) body: LoginBody, @Req() request: Request): Promise<AuthResult> {
    const result = await this.identity.login(body);
    // The right password clears the delays of this account at this address.
    await this.limiter.reset(loginThrottleKey(body.email, request.ip ?? 'unknown'));
    return result;
  }
}

@Controller('users')
export class UsersController {
  constructor(private readonly identity: IdentityService) {}

  @Get('me')
  me(@CurrentUser() user: AuthUser): Promise<UserView> {
    return this.identity.me(user.id);
  }

  // A password change answers with the caller's new token: never replayed from a cache.
  @NoIdempotencyReplay()
  @Header('Cache-Control', 'no-store')
  @RateLimit('password')
  @Put('me')
  updateMe(
    @CurrentUser() user: AuthUser,
    @Body(new ZodPipe(updateMeBody)) body: UpdateMeBody,
  ): Promise<UserView> {
    return this.identity.updateMe(user.id, body);
  }

  @NoIdempotencyReplay()
  @Post('me/webhook-secret')
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  rotateWebhookSecret(@CurrentUser() user: AuthUser): Promise<WebhookSecretView> {
    return this.identity.rotateWebhookSecret(user.id);
  }
}
