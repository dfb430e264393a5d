import { AccessTokensService, type IssuedAccessToken } from '../access-tokens/access-tokens.service.js';
import { AuditService } from '../audit/audit.service.js';
import { Injectable } from '../common/injection.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { sha256Hex } from '../common/crypto.js';
import { AppError } from '../common/errors/app-error.js';
import type { RequestOrigin } from '../common/request-origin.js';
import { isConcurrencyConflict } from '../database/database-errors.js';
import { AuthSessionRepository } from './auth-session.repository.js';
import { intervalAfter, pollChanges, type RequestState, stateOf } from './login-request-state.js';
import type { DeviceAuthorizationDto, ExchangedTokenDto } from './qr-login.schemas.js';
import { QrLoginService } from './qr-login.service.js';

/**
 * The OAuth 2.0 device authorization grant (RFC 8628) on QR login's requests. The device code
 * is the one-time credential here: redeemed at the token endpoint by the client that asked, it
 * yields the access token itself, once.
 */
@Injectable()
export class DeviceGrantService {
  constructor(
    private readonly qrLogin: QrLoginService,
    private readonly requests: AuthSessionRepository,
    private readonly accessTokens: AccessTokensService,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
  ) {}

  /** RFC 8628 §3.2: a login request of this client, in the fields OAuth clients read. */
  async authorize(origin: RequestOrigin, clientId: string): Promise<DeviceAuthorizationDto> {
    const { session_id: _id, ...authorization } = await this.qrLogin.create(origin, clientId);
    return authorization;
  }

  /**
   * RFC 8628 §3.4–3.5: pending, slow_down, denied and expired become the RFC's errors; an
   * approved request yields the access token once. The JWT is signed ahead, before the row lock
   * is taken (signing may read the key), and recorded in the transaction that marks the request
   * redeemed; if it is not used, it never becomes valid.
   */
  async redeem(deviceCode: string, clientId: string, origin: RequestOrigin): Promise<ExchangedTokenDto> {
    const deviceCodeHash = sha256Hex(deviceCode);
    const event = { type: 'oauth.device_token', clientId, ip: origin.ip } as const;
    const seen = await this.requests.findByDeviceCodeHash(deviceCodeHash);
    if (!seen || seen.clientId !== clientId) {
      this.audit.record({ ...event, outcome: 'failure', reason: seen ? 'other_client' : 'unknown' });
      throw invalidGrant();
    }
    const signed = stateOf(seen) === 'approved' && seen.userId !== null ? await this.accessTokens.sign(seen.userId) : undefined;
    let outcome: IssuedAccessToken | RequestState;
    try {
      outcome = await this.requests.lockByDeviceCodeHash(deviceCodeHash, async (row, manager) => {
        const state = stateOf(row);
        if (!row) return state;
        if (state === 'approved' && signed && row.userId === signed.userId) {
          // False only when the user was disabled since approving: the grant is void.
          return (await this.requests.markGranted(manager, row.id, row.userId)) ? this.accessTokens.record(signed, manager) : 'unknown';
        }
        await this.requests.recordPoll(manager, row.id, pollChanges(row, state));
        // Approved since the look-up above: the next poll gets the token.
        return state === 'approved' ? 'pending' : state;
      });
    } catch (error) {
      if (!isConcurrencyConflict(error)) throw error;
      // A deadlock victim: final only if another request redeemed the code.
      outcome = (await this.requests.findByDeviceCodeHash(deviceCodeHash))?.isExchanged ? 'already_issued' : 'pending';
    }
    if (typeof outcome === 'object') {
      this.audit.record({ ...event, outcome: 'success', loginRequestId: seen.id, userId: seen.userId });
      this.metrics.recordQrExchange('device_code', 'success');
      return { access_token: outcome.accessToken, token_type: 'Bearer', expires_in: outcome.expiresIn };
    }
    switch (outcome) {
      case 'pending':
        throw new AppError('AUTHORIZATION_PENDING', 'The user has not approved the request yet');
      case 'slow_down':
        throw new AppError('SLOW_DOWN', `Polling too fast: wait ${intervalAfter(seen, 'slow_down')} seconds between requests`);
      case 'denied':
        this.audit.record({ ...event, outcome: 'failure', loginRequestId: seen.id, reason: 'denied' });
        throw new AppError('ACCESS_DENIED', 'The user denied the request');
      case 'expired':
        throw new AppError('EXPIRED_TOKEN', 'The device code has expired: start again');
      default:
        this.audit.record({ ...event, outcome: 'failure', loginRequestId: seen.id, reason: outcome === 'unknown' ? 'user_inactive' : 'already_redeemed' });
        this.metrics.recordQrExchange('device_code', outcome === 'unknown' ? 'invalid' : 'used');
        throw invalidGrant();
    }
  }
}

function invalidGrant(): AppError {
  return new AppError('INVALID_GRANT', 'The device code is invalid, was issued to another client, or was redeemed already');
}
