import { Controller, Get, HttpCode, Param, Post, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { AccessTokensService } from '../access-tokens/access-tokens.service.js';
import { AdminGuard } from '../admin/admin.guard.js';
import { SnakeCaseInterceptor } from '../common/snake-case.interceptor.js';
import { idParamSchema } from '../common/validation.js';
import { ApiDoc } from '../docs/api-doc.decorator.js';
import { z } from 'zod';
import {
  AccessTokenListSchema,
  type OverviewDto,
  OverviewSchema,
  SessionListSchema,
  type SessionSearchDto,
  SessionSearchSchema,
  type SessionSummaryDto,
} from './dashboard.schemas.js';
import { DashboardService } from './dashboard.service.js';
import { HandoffRoutes } from '../common/handoff-routes.decorator.js';

/** The admin routes the dashboard reads besides the CLI's: overview, session search, a user's tokens. */
@HandoffRoutes()
@Controller('api/admin')
@UseGuards(AdminGuard)
@UseInterceptors(SnakeCaseInterceptor)
export class DashboardApiController {
  constructor(
    private readonly dashboard: DashboardService,
    private readonly accessTokens: AccessTokensService,
  ) {}

  @Get('overview')
  @ApiDoc({ summary: 'Active sessions now, validations in the last minute, rate-limit refusals, the last cleanup', response: OverviewSchema })
  overview(): Promise<OverviewDto> {
    return this.dashboard.overview();
  }

  @Get('sessions')
  @ApiDoc({ summary: 'Cross-app sessions by user email, target app and state, newest first (never a token)', response: SessionListSchema })
  async sessions(@Query({ schema: SessionSearchSchema }) query: SessionSearchDto): Promise<{ sessions: SessionSummaryDto[] }> {
    return { sessions: await this.dashboard.searchSessions(query) };
  }

  @Get('users/:id/tokens')
  @ApiDoc({ summary: "A user's access tokens, newest first (never the token itself)", response: AccessTokenListSchema })
  async userTokens(@Param('id', { schema: idParamSchema }) id: number): Promise<z.infer<typeof AccessTokenListSchema>> {
    return { tokens: (await this.accessTokens.list(id)).map(snakeToken) };
  }

  @Post('users/:id/tokens/revoke-all')
  @HttpCode(200)
  @ApiDoc({ summary: "Disable every access token of a user", response: z.object({ revoked: z.number().int() }) })
  async revokeUserTokens(@Param('id', { schema: idParamSchema }) id: number): Promise<{ revoked: number }> {
    return { revoked: await this.accessTokens.revokeAll(id) };
  }

  @Post('users/:id/tokens/:token_id/revoke')
  @HttpCode(200)
  @ApiDoc({ summary: 'Disable one access token of a user', response: z.object({ revoked: z.literal(true) }), errors: ['NOT_FOUND'] })
  async revokeUserToken(
    @Param('id', { schema: idParamSchema }) id: number,
    @Param('token_id', { schema: idParamSchema }) tokenId: number,
  ): Promise<{ revoked: true }> {
    await this.accessTokens.revokeOwn(id, tokenId);
    return { revoked: true };
  }
}

function snakeToken(token: { id: number; createdAt: string; updatedAt: string; expiresAt: string | null; disabled: boolean }) {
  return { id: token.id, created_at: token.createdAt, updated_at: token.updatedAt, expires_at: token.expiresAt, disabled: token.disabled };
}
