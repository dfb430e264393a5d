import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import Bowser from 'bowser';
import QRCode from 'qrcode';
import { AccessTokensService } from '../access-tokens/access-tokens.service.js';
import { AuditService } from '../audit/audit.service.js';
import { randomToken, sha256Hex } from '../common/crypto.js';
import { AppError } from '../common/errors/app-error.js';
import type { RequestOrigin } from '../common/request-origin.js';
import type { HandoffConfig } from '../config/config.js';
import { HANDOFF_CONFIG } from '../config/config.module.js';
import { PublicUrl } from '../config/public-url.js';
import { isConcurrencyConflict, isUniqueViolation } from '../database/database-errors.js';
import type { ActiveUser } from '../directory/directory.schemas.js';
import { type AuthSessionRow, AuthSessionRepository } from './auth-session.repository.js';
import type {
  CreatedLoginRequestDto,
  DeviceAuthorizationDto,
  ExchangedTokenDto,
  PendingLoginRequestDto,
  PollResultDto,
} from './qr-login.schemas.js';
import { formatUserCode, generateUserCode, normalizeUserCode } from './user-code.js';

/**
 * Where a request stands for the desktop that polls it. `already_issued`: its exchange token was
 * handed out (or the device grant redeemed), which happens once.
 */
type RequestState = 'unknown' | 'pending' | 'slow_down' | 'approved' | 'already_issued' | 'denied' | 'expired';

/** A poll this much earlier than the interval still counts as on time (timers and networks jitter). */
const POLL_TOLERANCE_MS = 250;

/** User codes are drawn again on a collision with a live one; five collisions in a row is a fault. */
const USER_CODE_ATTEMPTS = 5;

export type QrImageFormat = 'svg' | 'png';

/**
 * QR-code login (SPEC §5) and the OAuth 2.0 device authorization grant (RFC 8628), on one table:
 * a desktop asks, a signed-in phone approves by user code, the desktop polls with its secret
 * device code and receives one exchange token (or, through the device grant, the access token
 * itself), which yields one access token.
 */
@Injectable()
export class QrLoginService {
  constructor(
    private readonly requests: AuthSessionRepository,
    private readonly accessTokens: AccessTokensService,
    private readonly audit: AuditService,
    private readonly publicUrl: PublicUrl,
    @Inject(HANDOFF_CONFIG) private readonly config: HandoffConfig,
  ) {}

  /** A new pending request: the device code goes to the desktop only, the user code into the QR. */
  async create(origin: RequestOrigin, clientId: string | null = null): Promise<CreatedLoginRequestDto> {
    const { requestTtlSeconds, pollIntervalSeconds } = this.config.qrLogin;
    const id = randomUUID();
    const deviceCode = randomToken();
    let userCode: string | undefined;
    for (let attempt = 0; attempt < USER_CODE_ATTEMPTS && !userCode; attempt++) {
      const candidate = generateUserCode();
      try {
        await this.requests.insert({
          id,
          deviceCodeHash: sha256Hex(deviceCode),
          userCode: candidate,
          clientId,
          userAgent: origin.userAgent,
          ipAddress: origin.ip,
          ttlSeconds: requestTtlSeconds,
          pollIntervalSeconds,
        });
        userCode = candidate;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    }
    if (!userCode) throw new Error(`no free user code after ${USER_CODE_ATTEMPTS} attempts`);
    this.audit.record({ type: 'qr.create', outcome: 'success', loginRequestId: id, clientId, ip: origin.ip });
    const shown = formatUserCode(userCode);
    return {
      session_id: id,
      device_code: deviceCode,
      user_code: shown,
      verification_uri: this.publicUrl.to('/device'),
      verification_uri_complete: this.verificationUriComplete(userCode),
      qr_svg_url: this.publicUrl.to(`/api/qr-auth/sessions/${id}/qr.svg`),
      expires_in: requestTtlSeconds,
      interval: pollIntervalSeconds,
    };
  }

  /** RFC 8628 §3.2's answer: the same request, in the fields OAuth clients read. */
  async authorizeDevice(origin: RequestOrigin, clientId: string): Promise<DeviceAuthorizationDto> {
    const created = await this.create(origin, clientId);
    const { session_id: _id, ...authorization } = created;
    return authorization;
  }

  /**
   * The QR code of a pending request: it encodes `verification_uri_complete`, i.e. the user code
   * and never the device code. Not found once the request is decided or expired.
   */
  async qrImage(id: string, format: QrImageFormat): Promise<string | Buffer> {
    const userCode = await this.requests.findPendingUserCodeById(id);
    if (!userCode) throw new AppError('NOT_FOUND', 'No pending sign-in request with this id');
    const text = this.verificationUriComplete(userCode);
    const options = { errorCorrectionLevel: 'M', margin: 2 } as const;
    return format === 'svg' ? QRCode.toString(text, { ...options, type: 'svg' }) : QRCode.toBuffer(text, { ...options, type: 'png', width: 320 });
  }

  /** What the phone shows before the user decides: which browser and address ask, and since when. */
  async lookUp(user: ActiveUser, userCodeInput: string, origin: RequestOrigin): Promise<PendingLoginRequestDto> {
    const userCode = parseUserCode(userCodeInput);
    const request = await this.requests.findPendingByUserCode(userCode);
    if (!request) {
      this.audit.record({ type: 'qr.lookup', outcome: 'failure', userId: user.id, ip: origin.ip, reason: 'no_pending_request' });
      throw userCodeInvalid();
    }
    return {
      user_code: formatUserCode(request.userCode),
      status: 'pending',
      client_id: request.clientId,
      browser: describeBrowser(request.userAgent),
      user_agent: request.userAgent,
      ip_address: request.ipAddress,
      requested_at: request.createdAt.toISOString(),
      expires_at: request.expiresAt.toISOString(),
    };
  }

  /** The user approves (signing the desktop in as themselves) or denies; the first decision stays. */
  async decide(
    user: ActiveUser,
    userCodeInput: string,
    decision: 'approve' | 'deny',
    origin: RequestOrigin,
  ): Promise<{ status: 'approved' | 'denied' }> {
    const userCode = parseUserCode(userCodeInput);
    const status = decision === 'approve' ? 'approved' : 'denied';
    const event = { type: 'qr.decide', userId: user.id, decision, ip: origin.ip } as const;
    if (!(await this.requests.decide(userCode, status, user.id))) {
      const decided = await this.requests.isDecided(userCode);
      this.audit.record({ ...event, outcome: 'failure', reason: decided ? 'already_decided' : 'no_pending_request' });
      if (decided) throw new AppError('QR_REQUEST_DECIDED', 'This sign-in request was already approved or denied');
      throw userCodeInvalid();
    }
    this.audit.record({ ...event, outcome: 'success' });
    return { status };
  }

  /**
   * The desktop's poll, with its device code: pending (or slow_down), denied, expired, or once
   * approved the one-time exchange token, handed out by the first poll only. Rows approved before
   * exchange tokens existed get theirs the same way: a poll never answers with an access token.
   */
  async poll(deviceCode: string, origin: RequestOrigin): Promise<PollResultDto> {
    return this.requests.lockByDeviceCodeHash(sha256Hex(deviceCode), async (row, manager) => {
      const state = stateOf(row);
      if (!row) throw new AppError('DEVICE_CODE_INVALID', 'No sign-in request has this device code');
      await this.requests.recordPoll(manager, row.id, bookkeeping(row, state));
      switch (state) {
        case 'approved': {
          const exchangeToken = randomToken();
          const { exchangeTokenTtlSeconds } = this.config.qrLogin;
          if (!(await this.requests.setExchangeToken(manager, row.id, sha256Hex(exchangeToken), exchangeTokenTtlSeconds))) {
            return { status: 'already_issued' };
          }
          this.audit.record({ type: 'qr.exchange_token_issued', outcome: 'success', loginRequestId: row.id, userId: row.userId, ip: origin.ip });
          return { status: 'approved', exchange_token: exchangeToken, expires_in: exchangeTokenTtlSeconds };
        }
        case 'pending':
        case 'slow_down':
          return { status: state, interval: intervalAfter(row, state) };
        case 'already_issued':
        case 'denied':
        case 'expired':
          return { status: state };
        case 'unknown':
          throw new Error('unreachable: a row was found');
      }
    });
  }

  /**
   * Trades the exchange token for an access token, once. The JWT is signed before the
   * transaction (signing may read the key) and becomes valid only by its registry row, written
   * in the same transaction as the conditional UPDATE that spends the exchange token: of any
   * number of concurrent exchanges exactly one commits both; the others get EXCHANGE_TOKEN_USED.
   */
  async exchange(exchangeToken: string, origin: RequestOrigin): Promise<ExchangedTokenDto> {
    const tokenHash = sha256Hex(exchangeToken);
    const row = await this.requests.findByExchangeTokenHash(tokenHash);
    const event = { type: 'qr.exchange', loginRequestId: row?.id ?? null, userId: row?.userId ?? null, ip: origin.ip } as const;
    if (row?.isExchanged) throw this.exchangeReplayed(event);
    if (!row || row.userId === null || row.status !== 'approved' || !row.exchangeExpiresAt || row.exchangeExpiresAt <= row.databaseNow) {
      this.audit.record({ ...event, outcome: 'failure', reason: row ? 'expired' : 'unknown' });
      throw exchangeTokenInvalid();
    }
    const signed = await this.accessTokens.sign(row.userId);
    let issued;
    try {
      issued = await this.requests.exchangeOnce(tokenHash, row.userId, (manager) => this.accessTokens.record(signed, manager));
    } catch (error) {
      if (!isConcurrencyConflict(error)) throw error;
      issued = null;
    }
    if (!issued) {
      const after = await this.requests.findByExchangeTokenHash(tokenHash);
      if (after?.isExchanged) throw this.exchangeReplayed(event);
      this.audit.record({ ...event, outcome: 'failure', reason: 'expired_or_user_inactive' });
      throw exchangeTokenInvalid();
    }
    this.audit.record({ ...event, outcome: 'success' });
    return { access_token: issued.accessToken, token_type: 'Bearer', expires_in: issued.expiresIn };
  }

  /**
   * RFC 8628 §3.4–3.5: the device code redeemed at the token endpoint by the client that asked.
   * Pending, slow_down, denied and expired become the RFC's errors; an approved request yields
   * the access token once (signed first, recorded in the transaction that marks it redeemed).
   */
  async redeemDeviceCode(deviceCode: string, clientId: string, origin: RequestOrigin): Promise<ExchangedTokenDto> {
    const deviceCodeHash = sha256Hex(deviceCode);
    const event = { type: 'oauth.device_token', clientId, ip: origin.ip } as const;
    const seen = await this.requests.findByDeviceCodeHash(deviceCodeHash);
    if (!seen || seen.clientId !== clientId) {
      this.audit.record({ ...event, outcome: 'failure', reason: seen ? 'other_client' : 'unknown' });
      throw invalidGrant();
    }
    // Signed ahead only when it will most likely be used: the request is approved already.
    const signed = stateOf(seen) === 'approved' && seen.userId !== null ? await this.accessTokens.sign(seen.userId) : undefined;
    let issued;
    try {
      issued = await this.requests.lockByDeviceCodeHash(deviceCodeHash, async (row, manager) => {
        const state = stateOf(row);
        if (!row) throw invalidGrant();
        if (state === 'approved' && signed && row.userId === signed.userId) {
          if (!(await this.requests.markGranted(manager, row.id, row.userId))) throw invalidGrant();
          return this.accessTokens.record(signed, manager);
        }
        await this.requests.recordPoll(manager, row.id, bookkeeping(row, state));
        return state === 'approved' ? 'pending' : state;
      });
    } catch (error) {
      if (!isConcurrencyConflict(error)) throw error;
      issued = 'already_issued' as const;
    }
    if (typeof issued === 'object') {
      this.audit.record({ ...event, outcome: 'success', loginRequestId: seen.id, userId: seen.userId });
      return { access_token: issued.accessToken, token_type: 'Bearer', expires_in: issued.expiresIn };
    }
    switch (issued) {
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
        this.audit.record({ ...event, outcome: 'failure', loginRequestId: seen.id, reason: 'already_redeemed' });
        throw invalidGrant();
    }
  }

  private verificationUriComplete(userCode: string): string {
    return this.publicUrl.to(`/device?user_code=${formatUserCode(userCode)}`);
  }

  private exchangeReplayed(event: { loginRequestId: string | null; userId: number | null; ip: string }): AppError {
    // Someone besides the desktop holds the token, or the desktop retried: worth an alert either way.
    this.audit.record({ ...event, type: 'qr.replay_detected', outcome: 'failure', reason: 'replay' });
    this.audit.record({ ...event, type: 'qr.exchange', outcome: 'failure', reason: 'replay' });
    return new AppError('EXCHANGE_TOKEN_USED', 'This exchange token was exchanged already');
  }
}

function stateOf(row: AuthSessionRow | null): RequestState {
  if (!row) return 'unknown';
  if (row.isExchanged || row.exchangeTokenIssued) return 'already_issued';
  if (row.status === 'denied') return 'denied';
  if (row.status === 'expired' || row.expiresAt <= row.databaseNow) return 'expired';
  if (row.status === 'approved') return row.userId === null ? 'denied' : 'approved';
  const sinceLastPoll = row.lastPolledAt ? row.databaseNow.getTime() - row.lastPolledAt.getTime() : Infinity;
  return sinceLastPoll < row.pollInterval * 1000 - POLL_TOLERANCE_MS ? 'slow_down' : 'pending';
}

/** What a poll changes on the row: its time, a longer interval after slow_down, a lapsed request's status. */
function bookkeeping(row: AuthSessionRow, state: RequestState): { slowDown: boolean; expire: boolean } {
  return { slowDown: state === 'slow_down', expire: state === 'expired' && row.status === 'pending' };
}

function intervalAfter(row: AuthSessionRow, state: RequestState): number {
  return state === 'slow_down' ? Math.min(row.pollInterval + 5, 60) : row.pollInterval;
}

function parseUserCode(input: string): string {
  const userCode = normalizeUserCode(input);
  if (!userCode) {
    throw new AppError('VALIDATION_ERROR', 'user_code: eight letters from BCDFGHJKLMNPQRSTVWXZ, as XXXX-XXXX', { field: 'user_code' });
  }
  return userCode;
}

/** "Chrome 131 on Linux", from the user agent; null when it says nothing recognisable. */
function describeBrowser(userAgent: string | null): string | null {
  if (!userAgent) return null;
  const { browser, os } = Bowser.parse(userAgent);
  if (!browser.name) return null;
  const version = browser.version?.split('.')[0];
  return `${browser.name}${version ? ` ${version}` : ''}${os.name ? ` on ${os.name}` : ''}`;
}

function userCodeInvalid(): AppError {
  return new AppError('USER_CODE_INVALID', 'No pending sign-in request has this code: check it, or start again on the desktop');
}

function exchangeTokenInvalid(): AppError {
  return new AppError('EXCHANGE_TOKEN_INVALID', 'Exchange token is invalid or expired');
}

function invalidGrant(): AppError {
  return new AppError('INVALID_GRANT', 'The device code is invalid, was issued to another client, or was redeemed already');
}
