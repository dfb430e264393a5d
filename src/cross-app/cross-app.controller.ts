import { Body, Controller, Get, Headers, HttpCode, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedUser, Caller } from '../access-tokens/authentication.service.js';
import { CurrentCaller, CurrentUser, RegistryReadByRoute, UserAuthGuard } from '../access-tokens/user-auth.guard.js';
import { type Actor, CurrentActor, UserOrAdminGuard } from '../admin/user-or-admin.guard.js';
import { AppError } from '../common/errors/app-error.js';
import type { UserAccountDto } from '../directory/directory.schemas.js';
import { RateLimitsService } from '../rate-limits/rate-limits.service.js';
import { CurrentApp, TargetAppGuard } from '../target-apps/target-app.guard.js';
import type { AuthenticatedApp } from '../target-apps/target-apps.service.js';
import {
  type GeneratedSessionDto,
  GeneratedSessionSchema,
  UserAccountsSchema,
  ValidatedSessionSchema,
  type GenerateSessionDto,
  GenerateSessionSchema,
  type RevokeSessionDto,
  RevokeSessionSchema,
  SessionListQuerySchema,
  type SessionSummaryDto,
  sessionTokenSchema,
  UserAccountsQuerySchema,
  type ValidatedSessionDto,
  type ValidatePermissionDto,
  ValidatePermissionSchema,
  type ValidateSessionDto,
  ValidateSessionSchema,
} from './cross-app.schemas.js';
import { CrossAppService } from './cross-app.service.js';
import { originOf } from '../common/request-origin.js';
import { toValidationError } from '../common/validation.js';
import { ApiDoc } from '../docs/api-doc.decorator.js';
import { z } from 'zod';
import { HandoffRoutes } from '../common/handoff-routes.decorator.js';
import { OwnSessionListSchema } from '../docs/response-schemas.js';

/** SPEC §4, on the paths of the source app's published contract. */
@HandoffRoutes()
@Controller('api/cross-app')
export class CrossAppController {
  constructor(
    private readonly crossApp: CrossAppService,
    private readonly rateLimits: RateLimitsService,
  ) {}

  @Post('generate-session')
  @HttpCode(200)
  @UseGuards(UserAuthGuard)
  @RegistryReadByRoute()
  @ApiDoc({
    summary: 'Create a single-use handoff token for a target app',
    response: GeneratedSessionSchema,
    errors: ['TARGET_APP_UNKNOWN', 'ACCOUNT_FORBIDDEN', 'CALLBACK_NOT_ALLOWED', 'RATE_LIMITED'],
  })
  generate(
    @CurrentCaller() caller: Caller,
    @Body({ schema: GenerateSessionSchema }) body: GenerateSessionDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<GeneratedSessionDto> {
    return this.crossApp.generate(caller, body, originOf(request), reply);
  }

  @Post('validate-session')
  @HttpCode(200)
  @UseGuards(TargetAppGuard)
  @ApiDoc({
    summary: "Trade a handoff token (once) for the user's identity and permissions",
    description: 'The first validation consumes the token; any later one is a replay and fails like an unknown token.',
    response: ValidatedSessionSchema,
    errors: ['SESSION_INVALID', 'RATE_LIMITED'],
  })
  validate(
    @CurrentApp() app: AuthenticatedApp,
    @Body({ schema: ValidateSessionSchema }) body: ValidateSessionDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ValidatedSessionDto> {
    return this.crossApp.validate(app, body.session_token, originOf(request), reply);
  }

  /** The token comes in `X-Session-Token`, or else in the `session_token` query parameter. */
  @Get('user-accounts')
  @UseGuards(TargetAppGuard)
  @ApiDoc({ summary: "The session user's accounts, roles and permissions", response: UserAccountsSchema, errors: ['SESSION_INVALID', 'RATE_LIMITED'] })
  async userAccounts(
    @CurrentApp() app: AuthenticatedApp,
    @Headers('x-session-token') header: string | undefined,
    @Query({ schema: UserAccountsQuerySchema }) query: { session_token?: string },
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ accounts: UserAccountDto[] }> {
    const session = await this.crossApp.validatedSession(app, sessionTokenFrom(header, query.session_token));
    await this.rateLimits.consume('userAccounts', session.id, reply, { app: app.name, ip: originOf(request).ip });
    return this.crossApp.userAccounts(session);
  }

  @Post('validate-permission')
  @HttpCode(200)
  @UseGuards(TargetAppGuard)
  @ApiDoc({
    summary: "Whether the session user holds a permission in the session's account (and on a resource of it)",
    response: z.object({ has_permission: z.boolean() }),
    errors: ['SESSION_INVALID', 'RATE_LIMITED'],
  })
  async validatePermission(
    @CurrentApp() app: AuthenticatedApp,
    @Body({ schema: ValidatePermissionSchema }) body: ValidatePermissionDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ has_permission: boolean }> {
    const session = await this.crossApp.validatedSession(app, body.session_token);
    await this.rateLimits.consume('validatePermission', session.id, reply, { app: app.name, ip: originOf(request).ip });
    return this.crossApp.validatePermission(session, body.permission, body.resource_id);
  }

  /** The caller's sessions, newest first; never a token or a hash. */
  @Get('sessions')
  @UseGuards(UserAuthGuard)
  @ApiDoc({ summary: "The caller's handoff sessions, newest first (never a token)", response: OwnSessionListSchema })
  sessions(
    @CurrentUser() user: AuthenticatedUser,
    @Query({ schema: SessionListQuerySchema }) query: { limit: number },
  ): Promise<{ sessions: SessionSummaryDto[] }> {
    return this.crossApp.listSessions(user.id, query.limit);
  }

  @Post('revoke')
  @HttpCode(200)
  @UseGuards(UserOrAdminGuard)
  @ApiDoc({ summary: "Revoke a session (by token or id) or all of a user's", response: z.object({ revoked: z.number().int() }), errors: ['FORBIDDEN'] })
  revoke(
    @CurrentActor() actor: Actor,
    @Body({ schema: RevokeSessionSchema }) body: RevokeSessionDto,
    @Req() request: FastifyRequest,
  ): Promise<{ revoked: number }> {
    return this.crossApp.revoke(actor, body, originOf(request));
  }
}

function sessionTokenFrom(header: string | undefined, query: string | undefined): string {
  const token = header ?? query;
  if (token === undefined) {
    throw new AppError('VALIDATION_ERROR', 'session_token: give it in the X-Session-Token header', { field: 'session_token' });
  }
  const parsed = sessionTokenSchema.safeParse(token);
  if (!parsed.success) throw toValidationError(parsed.error.issues.map((issue) => ({ ...issue, path: ['session_token'] })));
  return parsed.data;
}

