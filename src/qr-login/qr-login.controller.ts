import { Body, Controller, Get, HttpCode, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedUser } from '../access-tokens/authentication.service.js';
import { CurrentUser, UserAuthGuard } from '../access-tokens/user-auth.guard.js';
import { AppError } from '../common/errors/app-error.js';
import { originOf, type RequestOrigin } from '../common/request-origin.js';
import { ApiDoc } from '../docs/api-doc.decorator.js';
import type { RateLimitName } from '../config/config.js';
import { RateLimitsService } from '../rate-limits/rate-limits.service.js';
import {
  CreatedLoginRequestSchema,
  type CreatedLoginRequestDto,
  type DecisionDto,
  DecisionSchema,
  ExchangedTokenSchema,
  type ExchangedTokenDto,
  ExchangeSchema,
  PendingLoginRequestSchema,
  type PendingLoginRequestDto,
  PollResultSchema,
  type PollResultDto,
  PollSchema,
  QrImageQuerySchema,
  UserCodeQuerySchema,
} from './qr-login.schemas.js';
import { type QrImageFormat, QrLoginService } from './qr-login.service.js';
import { z } from 'zod';
import { HandoffRoutes } from '../common/handoff-routes.decorator.js';

/** SPEC §5: the desktop creates, polls and exchanges; the signed-in phone looks up and decides. */
@HandoffRoutes()
@Controller('api/qr-auth')
export class QrLoginController {
  constructor(
    private readonly qrLogin: QrLoginService,
    private readonly rateLimits: RateLimitsService,
  ) {}

  @Post('sessions')
  @HttpCode(201)
  @ApiDoc({
    summary: 'Start a QR-code sign-in (desktop)',
    description: 'The device code is a secret for this desktop only; the QR and the phone see the user code only.',
    response: CreatedLoginRequestSchema,
    errors: ['RATE_LIMITED'],
  })
  async create(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CreatedLoginRequestDto> {
    const origin = originOf(request);
    await this.rateLimits.consume('qrCreate', origin.ip, reply, { ip: origin.ip });
    void reply.header('cache-control', 'no-store');
    return this.qrLogin.create(origin);
  }

  /** The session id in the query, not the path: paths are logged, and the image shows the user code. */
  @Get('qr.svg')
  @ApiDoc({
    summary: "A pending request's QR code (SVG): it encodes verification_uri_complete",
    errors: ['NOT_FOUND'],
    produces: { type: 'image/svg+xml', schema: { type: 'string' } },
  })
  qrSvg(@Query({ schema: QrImageQuerySchema }) query: { session_id: string }, @Res({ passthrough: true }) reply: FastifyReply): Promise<string | Buffer> {
    return this.qrImage(query.session_id, 'svg', reply);
  }

  @Get('qr.png')
  @ApiDoc({
    summary: "A pending request's QR code (PNG, 320 px)",
    errors: ['NOT_FOUND'],
    produces: { type: 'image/png', schema: { type: 'string', contentMediaType: 'image/png' } },
  })
  qrPng(@Query({ schema: QrImageQuerySchema }) query: { session_id: string }, @Res({ passthrough: true }) reply: FastifyReply): Promise<string | Buffer> {
    return this.qrImage(query.session_id, 'png', reply);
  }

  /** In the query, not the path: paths are logged, and the code must not be. */
  @Get('pending')
  @UseGuards(UserAuthGuard)
  @ApiDoc({
    summary: 'Show a pending sign-in request by its user code (phone): browser, IP and time',
    response: PendingLoginRequestSchema,
    errors: ['USER_CODE_INVALID', 'RATE_LIMITED'],
  })
  lookUp(
    @CurrentUser() user: AuthenticatedUser,
    @Query({ schema: UserCodeQuerySchema }) query: { user_code: string },
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PendingLoginRequestDto> {
    const origin = originOf(request);
    return this.boundGuessing('qrLookup', user, origin, reply, () => this.qrLogin.lookUp(user, query.user_code, origin));
  }

  @Post('approve')
  @HttpCode(200)
  @UseGuards(UserAuthGuard)
  @ApiDoc({
    summary: 'Approve or deny a pending sign-in request (phone); the first decision stays',
    response: z.object({ status: z.enum(['approved', 'denied']) }),
    errors: ['USER_CODE_INVALID', 'QR_REQUEST_DECIDED', 'RATE_LIMITED'],
  })
  decide(
    @CurrentUser() user: AuthenticatedUser,
    @Body({ schema: DecisionSchema }) body: DecisionDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ status: 'approved' | 'denied' }> {
    const origin = originOf(request);
    return this.boundGuessing('qrApprove', user, origin, reply, () => this.qrLogin.decide(user, body.user_code, body.decision, origin));
  }

  @Post('poll')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Poll a sign-in request with its device code (desktop)',
    description:
      'pending / slow_down (with the interval to keep), denied, expired; once approved, the one-time exchange token, handed out by the first poll only (later polls: already_issued).',
    response: PollResultSchema,
    errors: ['DEVICE_CODE_INVALID'],
  })
  poll(
    @Body({ schema: PollSchema }) body: { device_code: string },
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PollResultDto> {
    void reply.header('cache-control', 'no-store');
    return this.qrLogin.poll(body.device_code, originOf(request));
  }

  @Post('exchange')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Trade the exchange token, once, for an access token (desktop)',
    response: ExchangedTokenSchema,
    errors: ['EXCHANGE_TOKEN_INVALID', 'EXCHANGE_TOKEN_USED'],
  })
  exchange(
    @Body({ schema: ExchangeSchema }) body: { exchange_token: string },
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ExchangedTokenDto> {
    void reply.header('cache-control', 'no-store');
    return this.qrLogin.exchange(body.exchange_token, originOf(request));
  }

  /** The image once there is one: an error must still go out as JSON, not as an image type. */
  private async qrImage(id: string, format: QrImageFormat, reply: FastifyReply): Promise<string | Buffer> {
    const image = await this.qrLogin.qrImage(id, format);
    void reply.type(format === 'svg' ? 'image/svg+xml' : 'image/png').header('cache-control', 'no-store');
    return image;
  }

  /**
   * User codes are short, so look-ups and decisions are bounded per user and per IP, and those
   * that name no pending request count as guesses: past the failure limits, every look-up and
   * decision is refused until the window passes. A failure is counted up front and given back on
   * success, so that a burst of concurrent guesses cannot outrun the count.
   */
  private async boundGuessing<T>(
    limit: 'qrLookup' | 'qrApprove',
    user: AuthenticatedUser,
    origin: RequestOrigin,
    reply: FastifyReply,
    work: () => Promise<T>,
  ): Promise<T> {
    const context = { userId: user.id, ip: origin.ip };
    const failureLimits: Array<[RateLimitName, string]> = [
      ['qrFailedLookups', `user:${user.id}`],
      ['qrFailedLookupsPerIp', origin.ip],
    ];
    const reserved: typeof failureLimits = [];
    let failed = false;
    try {
      for (const limitAndKey of failureLimits) {
        await this.rateLimits.consume(...limitAndKey, undefined, context);
        reserved.push(limitAndKey);
      }
      await this.rateLimits.consume(limit, [`user:${user.id}`, `ip:${origin.ip}`], reply, context);
      return await work();
    } catch (error) {
      failed = error instanceof AppError && error.code === 'USER_CODE_INVALID';
      throw error;
    } finally {
      if (!failed) await Promise.all(reserved.map(([name, key]) => this.rateLimits.refund(name, key)));
    }
  }
}
