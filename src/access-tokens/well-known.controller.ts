import { Controller, Get, Header } from '@nestjs/common';
import type { JWK } from 'jose';
import { PublicUrl } from '../config/public-url.js';
import { SigningKeysService } from '../signing-keys/signing-keys.service.js';
import { HandoffRoutes } from '../common/handoff-routes.decorator.js';
import { AuthorizationServerMetadataSchema, JwksSchema } from '../docs/response-schemas.js';
import { ApiDoc } from '../docs/api-doc.decorator.js';

const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post'];

/** Published keys and RFC 8414 authorization-server metadata. */
@HandoffRoutes()
@Controller('.well-known')
export class WellKnownController {
  constructor(
    private readonly signingKeys: SigningKeysService,
    private readonly publicUrl: PublicUrl,
  ) {}

  /** The current key and every retired key whose tokens may still be valid. */
  @Get('jwks.json')
  @ApiDoc({ summary: 'The published signing keys (JWKS)', response: JwksSchema })
  @Header('cache-control', 'public, max-age=60')
  jwks(): Promise<{ keys: JWK[] }> {
    return this.signingKeys.jwks();
  }

  @Get('oauth-authorization-server')
  @ApiDoc({ summary: 'RFC 8414 authorization server metadata', response: AuthorizationServerMetadataSchema })
  authorizationServer(): Record<string, unknown> {
    return this.metadata();
  }

  /** The same document, where OpenID-minded clients look for it. */
  @Get('openid-configuration')
  @ApiDoc({ summary: 'The same metadata, where OpenID clients look', response: AuthorizationServerMetadataSchema })
  openidConfiguration(): Record<string, unknown> {
    return this.metadata();
  }

  private metadata(): Record<string, unknown> {
    return {
      // RFC 8414 §3.3: equal to the URL the metadata is served under, minus the well-known path.
      issuer: this.publicUrl.origin,
      jwks_uri: this.publicUrl.to('/.well-known/jwks.json'),
      introspection_endpoint: this.publicUrl.to('/oauth/introspect'),
      introspection_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      revocation_endpoint: this.publicUrl.to('/oauth/revoke'),
      revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      // RFC 8628 §4: the device authorization grant, the only grant the token endpoint serves.
      device_authorization_endpoint: this.publicUrl.to('/oauth/device_authorization'),
      token_endpoint: this.publicUrl.to('/oauth/token'),
      // "none": public clients (no secret) may use the device grant.
      token_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS, 'none'],
      grant_types_supported: ['urn:ietf:params:oauth:grant-type:device_code'],
      response_types_supported: [],
    };
  }
}
