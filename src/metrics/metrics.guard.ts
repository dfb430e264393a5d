import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { hasBearerToken } from '../common/credentials.js';
import { AppError } from '../common/errors/app-error.js';
import { HANDOFF_CONFIG, type HandoffConfig } from '../config/config.js';

/**
 * `GET /metrics` with HANDOFF_METRICS_TOKEN set: `Authorization: Bearer <token>`, compared in
 * constant time. A token of its own rather than the admin token, so that the scraper's
 * configuration never holds a credential that can change anything.
 */
@Injectable()
export class MetricsGuard implements CanActivate {
  constructor(@Inject(HANDOFF_CONFIG) private readonly config: HandoffConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.config.secrets.metricsToken;
    if (!expected || hasBearerToken(context.switchToHttp().getRequest<FastifyRequest>().headers.authorization, expected)) return true;
    throw new AppError('METRICS_UNAUTHORIZED', 'The metrics token is required (HANDOFF_METRICS_TOKEN)', {
      headers: { 'www-authenticate': 'Bearer realm="handoff-metrics"' },
    });
  }
}
