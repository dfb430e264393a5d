import type { FastifyReply } from 'fastify';
import { AuthenticationService, type Caller } from '../access-tokens/authentication.service.js';
import type { Actor } from '../admin/user-or-admin.guard.js';
import { AuditService } from '../audit/audit.service.js';
import { randomToken, sha256Hex } from '../common/crypto.js';
import { AppError } from '../common/errors/app-error.js';
import { Inject, Injectable } from '../common/injection.js';
import type { RequestOrigin } from '../common/request-origin.js';
import { HANDOFF_CONFIG, type HandoffConfig } from '../config/config.js';
import { isConcurrencyConflict } from '../database/database-errors.js';
import type { ActiveUser, UserAccountDto } from '../directory/directory.schemas.js';
import { DirectoryService } from '../directory/directory.service.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { type RateLimitContext, RateLimitsService } from '../rate-limits/rate-limits.service.js';
import type { StatementCounter } from '../rate-limits/statement-counter.js';
import type { AuthenticatedApp } from '../target-apps/target-apps.service.js';
import { TargetAppsService } from '../target-apps/target-apps.service.js';
import type { CrossAppSession } from './cross-app-session.entity.js';
import { type ConsumedSession, CrossAppSessionRepository, type NewCrossAppSession, type SessionRow } from './cross-app-session.repository.js';
import type {
  GeneratedSessionDto,
  GenerateSessionDto,
  RevokeSessionDto,
  SessionSummaryDto,
  ValidatedSessionDto,
} from './cross-app.schemas.js';

const INVALID_MESSAGE = 'Session token is invalid or expired';

/** Cross-app handoff sessions (SPEC §4): generate, validate once, answer for the app, revoke. */
@Injectable()
export class CrossAppService {
  constructor(
    private readonly sessions: CrossAppSessionRepository,
    private readonly directory: DirectoryService,
    private readonly targetApps: TargetAppsService,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
    private readonly authentication: AuthenticationService,
    private readonly rateLimits: RateLimitsService,
    @Inject(HANDOFF_CONFIG) private readonly config: HandoffConfig,
  ) {}

  /**
   * A single-use token that carries the caller to `target_app`, optionally in one of its
   * accounts. The rate limit is counted once the request is known to be good, with the write: a
   * refused request writes nothing, not even a count. With the counters in PostgreSQL (its
   * default) the caller's registry row, its membership, the count and the INSERT are one
   * statement (one round trip: issue 11). Which target apps exist is told only to a caller whose
   * token is still good; a malformed body is answered 400 before the token's registry row is read.
   */
  async generate(caller: Caller, input: GenerateSessionDto, origin: RequestOrigin, reply?: FastifyReply): Promise<GeneratedSessionDto> {
    const targetApp = input.target_app ?? this.config.crossApp.defaultTargetApp;
    const accountId = input.account_id ?? null;
    const event = { type: 'handoff.generate', userId: caller.id, app: targetApp, accountId, ip: origin.ip } as const;
    const context = { userId: caller.id, ip: origin.ip };
    try {
      const app = await this.targetApps.find(targetApp);
      const problem = appProblem(app, input.callback_url);
      if (problem) {
        // Told only to a caller whose token is still good: which apps exist is not for anyone else.
        await this.authentication.confirm(caller);
        throw problem;
      }
      const token = randomToken();
      const newSession = {
        tokenHash: sha256Hex(token),
        userId: caller.id,
        accountId,
        sourceApp: this.config.crossApp.sourceApp,
        targetApp,
        userAgent: origin.userAgent,
        ipAddress: origin.ip,
        ttlSeconds: this.config.crossApp.tokenTtlSeconds,
      };
      const counter = this.rateLimits.inStatement('generate', caller.id, context);
      const session = counter
        ? await this.insertInOneStatement(caller, newSession, counter, reply)
        : await this.insertStepwise(caller, newSession, reply, context);
      this.audit.record({ ...event, outcome: 'success', sessionId: session.id });
      this.metrics.recordSessionGenerated(targetApp);
      return {
        session_token: token,
        expires_at: session.expiresAt.toISOString(),
        account_id: accountId,
        target_app: targetApp,
        ...(input.callback_url === undefined ? {} : { callback_url: input.callback_url }),
      };
    } catch (error) {
      if (error instanceof AppError && error.code !== 'RATE_LIMITED' && error.code !== 'TOKEN_INVALID') {
        this.audit.record({ ...event, outcome: 'failure', reason: error.code });
      }
      throw error;
    }
  }

  /** Counters in the PostgreSQL database: see insertForCaller. */
  private async insertInOneStatement(
    caller: Caller,
    session: NewCrossAppSession,
    counter: StatementCounter,
    reply: FastifyReply | undefined,
  ): Promise<{ id: number; expiresAt: Date }> {
    const result = await this.sessions.insertForCaller(session, (parameters) => this.authentication.registrySql(caller, parameters), counter);
    this.authentication.confirmedBy(caller, result.registry);
    if (!result.allowed) throw accountForbidden();
    counter.settle(result.counted, reply);
    if (!result.session) throw new Error('generate: the session was not inserted');
    return result.session;
  }

  /** MySQL, or counters in Redis: the caller's registry row, its membership, the count and the INSERT in turn. */
  private async insertStepwise(
    caller: Caller,
    session: NewCrossAppSession,
    reply: FastifyReply | undefined,
    context: RateLimitContext,
  ): Promise<{ id: number; expiresAt: Date }> {
    const user = await this.authentication.confirm(caller);
    if (session.accountId !== null && session.accountId !== undefined) {
      const member = await this.directory.findActiveUserInAccount(user.id, session.accountId);
      if (!member?.role) throw accountForbidden();
    }
    await this.rateLimits.consume('generate', user.id, reply, context);
    return this.sessions.insert(session);
  }

  /**
   * The target app trades the token for the user: the first validation consumes it (one
   * conditional UPDATE); every later one fails like an unknown token, and counts as a replay.
   * Every request counts against the app's rate limit; over it, nothing is consumed.
   */
  async validate(app: AuthenticatedApp, token: string, origin: RequestOrigin, reply?: FastifyReply): Promise<ValidatedSessionDto> {
    const tokenHash = sha256Hex(token);
    const context = { app: app.name, ip: origin.ip };
    const counter = this.rateLimits.inStatement('validate', app.name, context);
    if (!counter) await this.rateLimits.consume('validate', app.name, reply, context);
    let session: ConsumedSession | null;
    try {
      const consumed = await this.sessions.consume(tokenHash, app.name, counter);
      counter?.settle(consumed.counted, reply);
      session = consumed.session;
    } catch (error) {
      // A concurrent validation won the row: this one lost, like any second validation.
      if (!isConcurrencyConflict(error)) throw error;
      session = null;
    }
    if (!session) {
      // Off the response path: why it failed must not show in how long the answer takes.
      void this.recordFailedValidation(tokenHash, app, origin).catch((error: unknown) => {
        this.metrics.recordValidation('unclassified');
        this.audit.record({ type: 'handoff.validate', outcome: 'failure', app: app.name, ip: origin.ip, reason: `unclassified (${(error as { code?: string }).code ?? 'error'})` });
      });
      throw invalidSession();
    }
    const { user } = session;
    const event = { type: 'handoff.validate', userId: session.userId, app: app.name, accountId: session.accountId, sessionId: session.id, ip: origin.ip } as const;
    if (!user) {
      this.audit.record({ ...event, outcome: 'failure', reason: 'user_inactive' });
      this.metrics.recordValidation('user_inactive');
      throw invalidSession();
    }
    this.audit.record({ ...event, outcome: 'success' });
    this.metrics.recordValidation('success');
    return {
      valid: true,
      user_id: String(session.userId),
      email: user.email,
      name: user.name ?? user.email,
      account_id: session.accountId,
      permissions: this.directory.permissionsOf(user.role),
      expires_at: session.expiresAt.toISOString(),
    };
  }

  /**
   * The validated, live session of this app that the token belongs to: what user-accounts and
   * validate-permission answer about (and what their rate limits count).
   */
  async validatedSession(app: AuthenticatedApp, token: string): Promise<SessionRow> {
    const session = await this.sessions.findValidatedForApp(sha256Hex(token), app.name);
    if (!session) throw invalidSession();
    return session;
  }

  /** The user's accounts. */
  async userAccounts(session: SessionRow): Promise<{ accounts: UserAccountDto[] }> {
    const [user, accounts] = await Promise.all([
      this.directory.findActiveUser(session.userId),
      this.directory.accountsOf(session.userId),
    ]);
    if (!user) throw invalidSession();
    return { accounts };
  }

  /**
   * Whether the session's user holds `permission` in the session's account, and, with a
   * `resource_id`, whether that resource belongs to the account. No account: no permission.
   */
  async validatePermission(session: SessionRow, permission: string, resourceId?: string): Promise<{ has_permission: boolean }> {
    const [user, resourceFound] = await Promise.all([
      this.directory.findActiveUserInAccount(session.userId, session.accountId),
      session.accountId !== null && resourceId !== undefined
        ? this.directory.hasResource(session.accountId, resourceId)
        : Promise.resolve(resourceId === undefined),
    ]);
    if (!user) throw invalidSession();
    return { has_permission: session.accountId !== null && user.permissions.includes(permission) && resourceFound };
  }

  async listSessions(userId: number, limit: number): Promise<{ sessions: SessionSummaryDto[] }> {
    return { sessions: (await this.sessions.listForUser(userId, limit)).map(toSummary) };
  }

  /** Users revoke their own sessions; operators anyone's. */
  async revoke(actor: Actor, input: RevokeSessionDto, origin: RequestOrigin): Promise<{ revoked: number }> {
    const ownerId = actor.kind === 'user' ? actor.user.id : undefined;
    let revoked: number;
    if ('session_token' in input) {
      revoked = await this.sessions.revoke({ tokenHash: sha256Hex(input.session_token), userId: ownerId });
    } else if ('session_id' in input) {
      revoked = await this.sessions.revoke({ id: input.session_id, userId: ownerId });
    } else {
      const userId = actor.kind === 'user' ? actor.user.id : input.user_id;
      if (userId === undefined) {
        throw new AppError('VALIDATION_ERROR', 'user_id: required to revoke all sessions as an operator', { field: 'user_id' });
      }
      if (actor.kind === 'user' && input.user_id !== undefined && input.user_id !== actor.user.id) {
        throw new AppError('FORBIDDEN', "Only an operator can revoke another user's sessions");
      }
      revoked = await this.sessions.revoke({ userId });
    }
    this.audit.record({
      type: 'handoff.revoke',
      outcome: 'success',
      userId: ownerId ?? ('all' in input ? (input.user_id ?? null) : null),
      sessionId: 'session_id' in input ? input.session_id : null,
      actor: actor.kind,
      count: revoked,
      ip: origin.ip,
    });
    this.metrics.recordRevocations(actor.kind, revoked);
    return { revoked };
  }

  /**
   * Why a validation failed, for the audit trail (never for the caller). A token of this app
   * that was already consumed is a replay: one of its two holders is not the user, so the
   * session is revoked (HANDOFF_REVOKE_ON_REPLAY) and a replay_detected event recorded.
   */
  private async recordFailedValidation(tokenHash: string, app: AuthenticatedApp, origin: RequestOrigin): Promise<void> {
    const session = await this.sessions.findByTokenHash(tokenHash);
    const reason = !session
      ? 'unknown'
      : session.targetApp !== app.name
        ? 'other_app'
        : session.revokedAt
          ? 'revoked'
          : session.usedAt
            ? 'replay'
            : 'expired';
    const event = {
      userId: session?.userId ?? null,
      app: app.name,
      accountId: session?.accountId ?? null,
      sessionId: session?.id ?? null,
      ip: origin.ip,
    };
    if (reason === 'replay' && session) {
      if (this.config.crossApp.revokeOnReplay) this.metrics.recordRevocations('replay', await this.sessions.revoke({ id: session.id }));
      this.audit.record({ ...event, type: 'handoff.replay_detected', outcome: 'failure', reason: 'replay' });
    }
    this.audit.record({ ...event, type: 'handoff.validate', outcome: 'failure', reason });
    this.metrics.recordValidation(reason);
  }
}

/** Why `app` cannot be handed off to with this callback, if it cannot. */
function appProblem(app: AuthenticatedApp | null, callbackUrl: string | undefined): AppError | undefined {
  // A public client has no secret to trade a token with: it is no target app.
  if (!app || app.publicClient) return new AppError('TARGET_APP_UNKNOWN', 'target_app: not a registered target app', { field: 'target_app' });
  // An open redirect otherwise: the callback must be one of the app's own origins.
  if (callbackUrl !== undefined && !app.allowedOrigins.includes(new URL(callbackUrl).origin)) {
    return new AppError('CALLBACK_NOT_ALLOWED', "callback_url: not on the target app's allowed origins", { field: 'callback_url' });
  }
  return undefined;
}

function accountForbidden(): AppError {
  return new AppError('ACCOUNT_FORBIDDEN', 'account_id: the user is not a member of this account', { field: 'account_id' });
}

function invalidSession(): AppError {
  return new AppError('SESSION_INVALID', INVALID_MESSAGE);
}

function toSummary(session: CrossAppSession): SessionSummaryDto {
  const status = session.revokedAt ? 'revoked' : session.usedAt ? 'used' : session.isExpired ? 'expired' : 'active';
  return {
    id: session.id,
    source_app: session.sourceApp,
    target_app: session.targetApp,
    account_id: session.accountId ?? null,
    created_at: session.createdAt.toISOString(),
    expires_at: session.expiresAt.toISOString(),
    used_at: session.usedAt?.toISOString() ?? null,
    revoked_at: session.revokedAt?.toISOString() ?? null,
    status,
    user_agent: session.userAgent ?? null,
    ip_address: session.ipAddress ?? null,
  };
}
