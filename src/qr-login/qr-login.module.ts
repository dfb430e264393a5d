import { Module } from '@nestjs/common';
import { AccessTokensModule } from '../access-tokens/access-tokens.module.js';
import { TargetAppsModule } from '../target-apps/target-apps.module.js';
import { AuthSessionRepository } from './auth-session.repository.js';
import { DeviceGrantController } from './device-grant.controller.js';
import { DeviceGrantService } from './device-grant.service.js';
import { QrLoginController } from './qr-login.controller.js';
import { QrLoginPagesController } from './qr-login-pages.controller.js';
import { QrLoginService } from './qr-login.service.js';

/** QR-code login and the OAuth device authorization grant (SPEC §5), with the /qr and /device pages. */
@Module({
  imports: [AccessTokensModule, TargetAppsModule],
  controllers: [QrLoginController, DeviceGrantController, QrLoginPagesController],
  providers: [QrLoginService, DeviceGrantService, AuthSessionRepository],
})
export class QrLoginModule {}
