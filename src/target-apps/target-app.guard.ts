import { type CanActivate, createParamDecorator, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../common/errors/app-error.js';
import { type AuthenticatedApp, TargetAppsService } from './target-apps.service.js';

type RequestWithApp = FastifyRequest & { targetApp?: AuthenticatedApp };

/** Secrets are 64 hex characters; anything else is refused without a database look-up. */
const SECRET_SHAPE = /^[0-9a-f]{64}$/;

/** Target-app endpoints: `x-shared-secret: <secret>` of an active secret, or 401 INVALID_CLIENT. */
@Injectable()
export class TargetAppGuard implements CanActivate {
  constructor(private readonly targetApps: TargetAppsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithApp>();
    const secret = request.headers['x-shared-secret'];
    const app = typeof secret === 'string' && SECRET_SHAPE.test(secret) ? await this.targetApps.authenticateBySecret(secret) : null;
    if (!app) throw new AppError('INVALID_CLIENT', 'A valid x-shared-secret header is required');
    request.targetApp = app;
    return true;
  }
}

/** The target app the TargetAppGuard authenticated. */
export const CurrentApp = createParamDecorator((_data: unknown, context: ExecutionContext): AuthenticatedApp => {
  const app = context.switchToHttp().getRequest<RequestWithApp>().targetApp;
  if (!app) throw new Error('CurrentApp used on a route without TargetAppGuard');
  return app;
});
