import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../common/errors/app-error.js';
import { BEARER_FORMAT_MESSAGE, hasBearerToken, lacksBearerScheme } from '../common/credentials.js';
import { HANDOFF_CONFIG, type HandoffConfig } from '../config/config.js';

/** `/api/admin/*`: `Authorization: Bearer <HANDOFF_ADMIN_TOKEN>`, compared in constant time. */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(@Inject(HANDOFF_CONFIG) private readonly config: HandoffConfig) {}

  canActivate(context: ExecutionContext): boolean {
    if (!this.config.secrets.adminToken) {
      throw new AppError('ADMIN_UNAUTHORIZED', 'The admin API is disabled: HANDOFF_ADMIN_TOKEN is not set');
    }
    if (!isAdminCredential(this.config, context.switchToHttp().getRequest<FastifyRequest>().headers.authorization)) {
      const { authorization } = context.switchToHttp().getRequest<FastifyRequest>().headers;
      throw new AppError('ADMIN_UNAUTHORIZED', lacksBearerScheme(authorization) ? BEARER_FORMAT_MESSAGE : 'A valid admin token is required', {
        headers: { 'www-authenticate': 'Bearer realm="handoff-admin"' },
      });
    }
    return true;
  }
}

/** True if the Authorization header carries the admin token (compared in constant time). */
export function isAdminCredential(config: HandoffConfig, authorization: string | undefined): boolean {
  return hasBearerToken(authorization, config.secrets.adminToken);
}
