import { Controller, Get, HttpCode, Param, Post, UseGuards, UseInterceptors } from '@nestjs/common';
import { SnakeCaseInterceptor } from '../common/snake-case.interceptor.js';
import type { ActiveUser } from '../directory/directory.schemas.js';
import { type AccessTokenDto, AccessTokensService } from './access-tokens.service.js';
import { idParamSchema } from '../common/validation.js';
import { ApiDoc } from '../docs/api-doc.decorator.js';
import type { AuthenticatedUser } from './authentication.service.js';
import { CurrentUser, UserAuthGuard } from './user-auth.guard.js';
import { HandoffRoutes } from '../common/handoff-routes.decorator.js';
import { MeSchema, OwnTokenListSchema, RevokedCountSchema, RevokedOneSchema } from '../docs/response-schemas.js';

/** The caller's own identity and access tokens. */
@HandoffRoutes()
@Controller('api')
@UseGuards(UserAuthGuard)
@UseInterceptors(SnakeCaseInterceptor)
export class TokensController {
  constructor(private readonly accessTokens: AccessTokensService) {}

  @Get('me')
  @ApiDoc({ summary: 'The calling user', response: MeSchema })
  me(@CurrentUser() user: AuthenticatedUser): ActiveUser {
    return { id: user.id, email: user.email, name: user.name };
  }

  /** The caller's tokens, newest first: ids and dates, never a token or its hash. */
  @Get('tokens')
  @ApiDoc({ summary: "The caller's access tokens (never the token itself)", response: OwnTokenListSchema })
  async list(@CurrentUser() user: AuthenticatedUser): Promise<{ tokens: AccessTokenDto[] }> {
    return { tokens: await this.accessTokens.list(user.id) };
  }

  @Post('tokens/revoke-all')
  @ApiDoc({ summary: 'Disable every access token of the caller', response: RevokedCountSchema })
  @HttpCode(200)
  async revokeAll(@CurrentUser() user: AuthenticatedUser): Promise<{ revoked: number }> {
    return { revoked: await this.accessTokens.revokeAll(user.id) };
  }

  @Post('tokens/:id/revoke')
  @ApiDoc({ summary: "Disable one of the caller's access tokens", response: RevokedOneSchema, errors: ['NOT_FOUND'] })
  @HttpCode(200)
  async revokeOne(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', { schema: idParamSchema }) id: number,
  ): Promise<{ revoked: true }> {
    await this.accessTokens.revokeOwn(user.id, id);
    return { revoked: true };
  }
}
