import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../common/errors/app-error.js';
import { constantTimeEqual } from '../common/crypto.js';
import type { HandoffConfig } from '../config/config.js';
import { HANDOFF_CONFIG } from '../config/config.module.js';

/** `/api/admin/*`: `Authorization: Bearer <HANDOFF_ADMIN_TOKEN>`, compared in constant time. */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(@Inject(HANDOFF_CONFIG) private readonly config: HandoffConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.config.secrets.adminToken;
    if (!expected) throw new AppError('ADMIN_UNAUTHORIZED', 'The admin API is disabled: HANDOFF_ADMIN_TOKEN is not set');
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization ?? '';
    const presented = /^Bearer +(\S+) *$/i.exec(header)?.[1] ?? '';
    if (!constantTimeEqual(presented, expected)) {
      throw new AppError('ADMIN_UNAUTHORIZED', 'A valid admin token is required', {
        headers: { 'www-authenticate': 'Bearer realm="handoff-admin"' },
      });
    }
    return true;
  }
}
