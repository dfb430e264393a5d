import { Module } from '@nestjs/common';
import { DirectoryModule } from '../directory/directory.module.js';
import { SigningKeysModule } from '../signing-keys/signing-keys.module.js';
import { TargetAppsModule } from '../target-apps/target-apps.module.js';
import { AccessTokensService } from './access-tokens.service.js';
import { AuthUserTokenRepository } from './auth-user-token.repository.js';
import { AuthenticationService } from './authentication.service.js';
import { ExternalIssuersService } from './external-issuers.service.js';
import { OAuthController } from './oauth.controller.js';
import { TokensController } from './tokens.controller.js';
import { UserAuthGuard } from './user-auth.guard.js';
import { WellKnownController } from './well-known.controller.js';

/**
 * Access tokens (SPEC §3, §6): issuing and verifying Handoff's JWTs, the registry, external
 * issuers, and the guard every user-facing endpoint uses.
 */
@Module({
  imports: [DirectoryModule, SigningKeysModule, TargetAppsModule],
  controllers: [TokensController, OAuthController, WellKnownController],
  providers: [AccessTokensService, AuthenticationService, ExternalIssuersService, AuthUserTokenRepository, UserAuthGuard],
  exports: [AccessTokensService, AuthenticationService, UserAuthGuard],
})
export class AccessTokensModule {}
