import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../common/errors/app-error.js';
import { originOf } from '../common/request-origin.js';
import { ApiDoc } from '../docs/api-doc.decorator.js';
import { RateLimitsService } from '../rate-limits/rate-limits.service.js';
import { invalidClient, readClientCredentials } from '../target-apps/client-credentials.js';
import { TargetAppsService } from '../target-apps/target-apps.service.js';
import {
  DEVICE_CODE_GRANT_TYPE,
  type DeviceAuthorizationDto,
  type DeviceAuthorizationRequestDto,
  DeviceAuthorizationRequestSchema,
  DeviceAuthorizationSchema,
  type ExchangedTokenDto,
  ExchangedTokenSchema,
  type TokenRequestDto,
  TokenRequestSchema,
} from './qr-login.schemas.js';
import { DeviceGrantService } from './device-grant.service.js';
import { HandoffRoutes } from '../common/handoff-routes.decorator.js';

/**
 * The OAuth 2.0 Device Authorization Grant (RFC 8628) on the QR-login table, so that a standard
 * OAuth client library signs in with no Handoff-specific code. The clients are the registered
 * apps (`client_id` = app name): confidential ones authenticate as at the other OAuth endpoints;
 * public clients (`handoff apps add NAME --public`: a CLI, a TV app) send their `client_id` alone.
 * Errors carry RFC 6749 §5.2's `error` (400, no WWW-Authenticate, except invalid_client).
 */
@HandoffRoutes()
@Controller('oauth')
export class DeviceGrantController {
  constructor(
    private readonly deviceGrant: DeviceGrantService,
    private readonly targetApps: TargetAppsService,
    private readonly rateLimits: RateLimitsService,
  ) {}

  @Post('device_authorization')
  @HttpCode(200)
  @ApiDoc({
    summary: 'RFC 8628 device authorization request',
    form: true,
    response: DeviceAuthorizationSchema,
    errors: ['INVALID_CLIENT', 'RATE_LIMITED'],
  })
  async deviceAuthorization(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Body({ schema: DeviceAuthorizationRequestSchema }) body: DeviceAuthorizationRequestDto,
  ): Promise<DeviceAuthorizationDto> {
    const clientId = await this.clientOf(request, body);
    const origin = originOf(request);
    await this.rateLimits.consume('qrCreate', origin.ip, reply, { app: clientId, ip: origin.ip });
    void reply.header('cache-control', 'no-store');
    return this.deviceGrant.authorize(origin, clientId);
  }

  @Post('token')
  @HttpCode(200)
  @ApiDoc({
    summary: 'RFC 8628 device access token request (grant_type=urn:ietf:params:oauth:grant-type:device_code)',
    form: true,
    response: ExchangedTokenSchema,
    errors: ['AUTHORIZATION_PENDING', 'SLOW_DOWN', 'ACCESS_DENIED', 'EXPIRED_TOKEN', 'INVALID_GRANT', 'UNSUPPORTED_GRANT_TYPE', 'INVALID_CLIENT'],
  })
  async token(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Body({ schema: TokenRequestSchema }) body: TokenRequestDto,
  ): Promise<ExchangedTokenDto> {
    if (body.grant_type !== DEVICE_CODE_GRANT_TYPE) {
      throw new AppError('UNSUPPORTED_GRANT_TYPE', `grant_type: only ${DEVICE_CODE_GRANT_TYPE} is served here`, { field: 'grant_type' });
    }
    if (!body.device_code) throw new AppError('VALIDATION_ERROR', 'device_code: required', { field: 'device_code' });
    const clientId = await this.clientOf(request, body);
    void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    return this.deviceGrant.redeem(body.device_code, clientId, originOf(request));
  }

  /** The client: authenticated when it sends a secret (Basic or form), else a public client by name. */
  private async clientOf(request: FastifyRequest, body: { client_id?: string; client_secret?: string }): Promise<string> {
    const viaHeader = /^Basic /i.test(request.headers.authorization ?? '');
    if (viaHeader || body.client_secret !== undefined) {
      const credentials = readClientCredentials(request, body);
      const app = await this.targetApps.authenticate(credentials.clientId, credentials.clientSecret);
      if (!app) throw invalidClient(credentials.method === 'client_secret_basic');
      return app.name;
    }
    if (!body.client_id) throw new AppError('VALIDATION_ERROR', 'client_id: required', { field: 'client_id' });
    // Without a secret only a public client: a confidential one must prove it is that client.
    if (!(await this.targetApps.find(body.client_id))?.publicClient) throw invalidClient(false);
    return body.client_id;
  }
}
