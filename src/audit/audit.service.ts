import type { Logger } from 'pino';
import { Inject, Injectable } from '../common/injection.js';
import { LOGGER, unredacted } from '../common/logger.js';

export type AuditEventType =
  | 'handoff.generate'
  | 'handoff.validate'
  | 'handoff.revoke'
  | 'handoff.replay_detected'
  | 'rate_limit.refused'
  | 'qr.create'
  | 'qr.lookup'
  | 'qr.decide'
  | 'qr.exchange_token_issued'
  | 'qr.exchange'
  | 'qr.replay_detected'
  | 'oauth.device_token';

export interface AuditEvent {
  readonly type: AuditEventType;
  readonly outcome: 'success' | 'failure' | 'refused';
  readonly userId?: number | null;
  readonly app?: string | null;
  readonly accountId?: number | null;
  readonly sessionId?: number | null;
  /** A QR / device login request's id. */
  readonly loginRequestId?: string | null;
  /** The OAuth client of a device login. */
  readonly clientId?: string | null;
  readonly ip?: string | null;
  /** A short machine-readable reason for a failure, never a token or a secret. */
  readonly reason?: string;
  readonly count?: number;
  /** Who acted, when it is not the user itself: an operator. */
  readonly actor?: 'user' | 'admin';
  /** What a user decided about a QR / device login request. */
  readonly decision?: 'approve' | 'deny';
}

/**
 * The audit trail of authentication events: one structured log line each, marked `audit: true`
 * so that a log pipeline can route them apart. Never a token, a hash or a secret.
 */
@Injectable()
export class AuditService {
  private readonly logger: Logger;

  constructor(@Inject(LOGGER) logger: Logger) {
    // Every field is a typed scalar (AuditEvent): nothing for redaction to find.
    this.logger = unredacted(logger);
  }

  record(event: AuditEvent): void {
    this.logger.info({ audit: true, ...event }, `audit ${event.type} ${event.outcome}`);
  }
}
