import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { HANDOFF_CONFIG, type HandoffConfig } from '../config/config.js';
import { ApiDoc } from '../docs/api-doc.decorator.js';
import { invalidClient, readClientCredentials } from '../target-apps/client-credentials.js';
import { type AuthenticatedApp, TargetAppsService } from '../target-apps/target-apps.service.js';
import { AccessTokensService } from './access-tokens.service.js';
import { type OAuthTokenRequestDto, OAuthTokenRequestSchema } from './access-tokens.schemas.js';
import { AuthenticationService, type IntrospectionDto } from './authentication.service.js';
import { HandoffRoutes } from '../common/handoff-routes.decorator.js';
import { IntrospectionSchema } from '../docs/response-schemas.js';

/**
 * RFC 7009 revocation and RFC 7662 introspection for target apps, the OAuth clients
 * (`client_id` = app name, secret = its shared secret; Basic or form-posted).
 */
/** client_secret_basic, or client_id and client_secret in the form (the scheme's description says so). */
const CLIENT_SECURITY: Array<Record<string, string[]>> = [{ oauthClient: [] }];

@HandoffRoutes()
@Controller('oauth')
export class OAuthController {
  constructor(
    private readonly accessTokens: AccessTokensService,
    private readonly authentication: AuthenticationService,
    private readonly targetApps: TargetAppsService,
    @Inject(HANDOFF_CONFIG) private readonly config: HandoffConfig,
  ) {}

  /** Always exactly 200 with an empty body once the client is authenticated, known token or not. */
  @Post('revoke')
  @HttpCode(200)
  @ApiDoc({
    summary: 'RFC 7009 token revocation (target-app client credentials)',
    form: true,
    errors: ['INVALID_CLIENT'],
    security: CLIENT_SECURITY,
    produces: { type: 'text/plain', schema: { type: 'string', maxLength: 0, description: 'Empty' } },
  })
  async revoke(
    @Req() request: FastifyRequest,
    @Body({ schema: OAuthTokenRequestSchema }) body: OAuthTokenRequestDto,
  ): Promise<string> {
    const client = await this.authenticateClient(request, body);
    // Only tokens issued to this app (RFC 7009 §2.1): a token for Handoff's own API is the user's
    // to revoke, not any target app's that happens to see it (issue 12).
    await this.accessTokens.revokeToken(body.token, [client.name]);
    return '';
  }

  @Post('introspect')
  @HttpCode(200)
  @ApiDoc({
    summary: 'RFC 7662 token introspection (target-app client credentials)',
    form: true,
    errors: ['INVALID_CLIENT'],
    security: CLIENT_SECURITY,
    response: IntrospectionSchema,
  })
  async introspect(
    @Req() request: FastifyRequest,
    @Body({ schema: OAuthTokenRequestSchema }) body: OAuthTokenRequestDto,
  ): Promise<IntrospectionDto> {
    const client = await this.authenticateClient(request, body);
    return this.authentication.introspect(body.token, client.name);
  }

  private async authenticateClient(request: FastifyRequest, body: OAuthTokenRequestDto): Promise<AuthenticatedApp> {
    const credentials = readClientCredentials(request, body);
    const app = await this.targetApps.authenticate(credentials.clientId, credentials.clientSecret);
    if (!app) throw invalidClient(credentials.method === 'client_secret_basic');
    return app;
  }
}
