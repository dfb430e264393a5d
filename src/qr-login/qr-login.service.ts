import { randomUUID } from 'node:crypto';
import Bowser from 'bowser';
import { AccessTokensService, type IssuedAccessToken, type SignedAccessToken } from '../access-tokens/access-tokens.service.js';
import { AuditService } from '../audit/audit.service.js';
import { Inject, Injectable } from '../common/injection.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { randomToken, sha256Hex } from '../common/crypto.js';
import { AppError } from '../common/errors/app-error.js';
import type { RequestOrigin } from '../common/request-origin.js';
import { HANDOFF_CONFIG, type HandoffConfig } from '../config/config.js';
import { PublicUrl } from '../config/public-url.js';
import { isConcurrencyConflict, isUniqueViolation } from '../database/database-errors.js';
import type { ActiveUser } from '../directory/directory.schemas.js';
import { type AuthSessionRow, AuthSessionRepository } from './auth-session.repository.js';
import type {
  CreatedLoginRequestDto,
  ExchangedTokenDto,
  PendingLoginRequestDto,
  PollResultDto,
} from './qr-login.schemas.js';
import { intervalAfter, pollChanges, type RequestState, stateOf } from './login-request-state.js';
import { formatUserCode, generateUserCode, normalizeUserCode } from './user-code.js';
import { type QrImageFormat, QrImages } from './qr-images.js';

/** User codes are drawn again on a collision with a live one; five collisions in a row is a fault. */
const USER_CODE_ATTEMPTS = 5;

export type { QrImageFormat } from './qr-images.js';

/**
 * QR-code login (SPEC §5): a desktop asks, a signed-in phone approves by user code, the desktop
 * polls with its secret device code and receives one exchange token, which yields one access
 * token. The OAuth device grant (device-grant.service.ts) shares the requests.
 */
@Injectable()
export class QrLoginService {
  private readonly images = new QrImages();

  constructor(
    private readonly requests: AuthSessionRepository,
    private readonly accessTokens: AccessTokensService,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
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
      verification_uri: this.verificationUri(),
      verification_uri_complete: this.verificationUriComplete(userCode),
      qr_svg_url: this.publicUrl.to(`/api/qr-auth/qr.svg?session_id=${id}`),
      expires_in: requestTtlSeconds,
      interval: pollIntervalSeconds,
    };
  }

  /**
   * The QR code of a pending request: it encodes `verification_uri_complete`, i.e. the user code
   * and never the device code. Not found once the request is decided or expired.
   */
  async qrImage(id: string, format: QrImageFormat): Promise<string | Buffer> {
    const userCode = await this.requests.findPendingUserCodeById(id);
    if (!userCode) throw new AppError('NOT_FOUND', 'No pending sign-in request with this id');
    return this.images.get(this.verificationUriComplete(userCode), format);
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
    const request = await this.requests.findPendingByUserCode(userCode);
    const event = { type: 'qr.decide', loginRequestId: request?.id ?? null, userId: user.id, decision, ip: origin.ip } as const;
    // Looked up first for the audit trail; the UPDATE is still conditional on 'pending', so a
    // concurrent decision that came in between wins and this one is refused.
    if (!request || !(await this.requests.decide(request.id, status, user.id))) {
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
   * approved the one-time exchange token, handed out by the first poll only (polls of one request
   * queue on its row lock). Rows approved before exchange tokens existed get theirs the same way:
   * a poll never answers with an access token. Requests of OAuth clients are theirs to redeem, at
   * the token endpoint.
   */
  async poll(deviceCode: string, origin: RequestOrigin): Promise<PollResultDto> {
    const { exchangeTokenTtlSeconds } = this.config.qrLogin;
    const exchangeToken = randomToken();
    const { answer, issuedFor } = await this.requests.lockByDeviceCodeHash(sha256Hex(deviceCode), async (row, manager) => {
      if (!row || row.clientId !== null) throw new AppError('DEVICE_CODE_INVALID', 'No sign-in request has this device code');
      const state = stateOf(row);
      await this.requests.recordPoll(manager, row.id, pollChanges(row, state));
      if (state === 'approved' && (await this.requests.setExchangeToken(manager, row.id, sha256Hex(exchangeToken), exchangeTokenTtlSeconds))) {
        const answer: PollResultDto = { status: 'approved', exchange_token: exchangeToken, expires_in: exchangeTokenTtlSeconds };
        return { answer, issuedFor: row };
      }
      return { answer: pollAnswer(row, state) };
    });
    if (issuedFor) {
      this.audit.record({ type: 'qr.exchange_token_issued', outcome: 'success', loginRequestId: issuedFor.id, userId: issuedFor.userId, ip: origin.ip });
    }
    return answer;
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
      this.metrics.recordQrExchange('exchange_token', 'invalid');
      throw exchangeTokenInvalid();
    }
    const signed = await this.accessTokens.sign(row.userId);
    const issued = await this.spendExchangeToken(tokenHash, signed);
    if (issued === 'spent') throw this.exchangeReplayed(event);
    if (!issued) {
      this.audit.record({ ...event, outcome: 'failure', reason: 'expired_or_user_inactive' });
      this.metrics.recordQrExchange('exchange_token', 'invalid');
      throw exchangeTokenInvalid();
    }
    this.audit.record({ ...event, outcome: 'success' });
    this.metrics.recordQrExchange('exchange_token', 'success');
    return { access_token: issued.accessToken, token_type: 'Bearer', expires_in: issued.expiresIn };
  }

  /**
   * Spends the exchange token and records the signed JWT, in one transaction. `spent`: another
   * exchange had it; null: it lapsed or its user was disabled. A database conflict (a deadlock
   * victim) with no winner yet is retried once: the token is still good.
   */
  private async spendExchangeToken(tokenHash: string, signed: SignedAccessToken): Promise<IssuedAccessToken | 'spent' | null> {
    for (let attempt = 1; ; attempt++) {
      let conflict: unknown;
      try {
        const issued = await this.requests.exchangeOnce(tokenHash, signed.userId, (manager) => this.accessTokens.record(signed, manager));
        if (issued) return issued;
      } catch (error) {
        if (!isConcurrencyConflict(error)) throw error;
        conflict = error;
      }
      // Lost: to another exchange, or to the token's expiry or the user's disabling.
      if ((await this.requests.findByExchangeTokenHash(tokenHash))?.isExchanged) return 'spent';
      if (conflict === undefined) return null;
      if (attempt === 2) throw conflict;
    }
  }

  /** HANDOFF_VERIFICATION_URL (a host app's approval page), or Handoff's own /device page. */
  private verificationUri(): string {
    return this.config.qrLogin.verificationUrl ?? this.publicUrl.to('/device');
  }

  private verificationUriComplete(userCode: string): string {
    const url = new URL(this.verificationUri());
    url.searchParams.set('user_code', formatUserCode(userCode));
    return url.toString();
  }

  private exchangeReplayed(event: { loginRequestId: string | null; userId: number | null; ip: string }): AppError {
    // Someone besides the desktop holds the token, or the desktop retried: worth an alert either way.
    this.audit.record({ ...event, type: 'qr.replay_detected', outcome: 'failure', reason: 'replay' });
    this.audit.record({ ...event, type: 'qr.exchange', outcome: 'failure', reason: 'replay' });
    this.metrics.recordQrExchange('exchange_token', 'used');
    return new AppError('EXCHANGE_TOKEN_USED', 'This exchange token was exchanged already');
  }
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

/** A poll's answer when it hands out nothing. */
function pollAnswer(row: AuthSessionRow, state: RequestState): PollResultDto {
  switch (state) {
    case 'pending':
    case 'slow_down':
      return { status: state, interval: intervalAfter(row, state) };
    case 'denied':
    case 'expired':
      return { status: state };
    default:
      // Issued already, or approved and issued by a poll that held the lock first.
      return { status: 'already_issued' };
  }
}
