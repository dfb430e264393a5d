import { DataSource } from 'typeorm';
import { Injectable } from '../common/injection.js';
import { dialectOf, nowPlusSecondsSql, nowSql, placeholder, type SqlDialect } from '../database/dialect.js';
import { execute, SqlParameters } from '../database/sql.js';
import type { Counted, StatementCounter } from '../rate-limits/statement-counter.js';
import { DirectorySql } from '../directory/directory-sql.js';
import { CrossAppSession } from './cross-app-session.entity.js';

export interface NewCrossAppSession {
  readonly tokenHash: string;
  readonly userId: number;
  readonly accountId?: number | null;
  readonly sourceApp: string;
  readonly targetApp: string;
  readonly userAgent?: string | null;
  readonly ipAddress?: string | null;
  /** Lifetime from the database's current time; negative for an already expired session. */
  readonly ttlSeconds: number;
}

/** A consumed session with what validation answers about its user (null: user disabled). */
export interface ConsumedSession extends SessionRow {
  readonly user: { readonly email: string; readonly name: string | null; readonly role: string | null } | null;
}

/** What insertForCaller found and wrote. */
export interface CheckedInsert {
  /** The caller's registry columns (for AuthenticationService.confirmedBy); undefined when no enabled registry row matched. */
  readonly registry: Record<string, unknown> | undefined;
  /** An enabled user, a member of the account if one was given. */
  readonly allowed: boolean;
  readonly counted: Counted | undefined;
  readonly session: { id: number; expiresAt: Date } | null;
}

interface CheckedInsertColumns extends Record<string, unknown> {
  allowed: boolean;
  points: number | string | null;
  expire: number | string | null;
  session_id: number | string | null;
  expires_at: Date | null;
}

/** A session as the handoff endpoints need it. */
export interface SessionRow {
  readonly id: number;
  readonly userId: number;
  readonly accountId: number | null;
  readonly targetApp: string;
  readonly expiresAt: Date;
  readonly usedAt: Date | null;
  readonly revokedAt: Date | null;
}

interface RawSession {
  id: number;
  user_id: number;
  account_id: number | null;
  target_app: string;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
}

const SESSION_COLUMNS = 'id, user_id, account_id, target_app, expires_at, used_at, revoked_at';

interface RawConsumed extends RawSession {
  email: string | null;
  name: string | null;
  role: string | null;
}


/** Every statement on `cross_app_sessions`. The handoff path is plain SQL: it is the hot path. */
@Injectable()
export class CrossAppSessionRepository {
  private readonly dialect: SqlDialect;
  /** A session `s` with its (enabled) user and the user's role in the session's account. */
  private readonly withUserColumns: string;
  private readonly withUserJoins: string;

  constructor(private readonly dataSource: DataSource) {
    this.dialect = dialectOf(dataSource);
    const directory = new DirectorySql(this.dialect);
    this.withUserColumns = `s.id, s.user_id, s.account_id, s.target_app, s.expires_at, s.used_at, s.revoked_at,
      ${directory.userColumns('u')}, ${directory.roleColumn('m')}`;
    this.withUserJoins = `${directory.activeUserJoin('u', 's.user_id')}
      ${directory.membershipJoin('m', 's.user_id', 's.account_id')}`;
  }

  /** Inserts a session whose expiry the database computes from its own clock. */
  async insert(session: NewCrossAppSession): Promise<{ id: number; expiresAt: Date }> {
    const p = (index: number) => placeholder(this.dialect, index);
    const insert = `INSERT INTO cross_app_sessions
        (token_hash, user_id, account_id, expires_at, source_app, target_app, user_agent, ip_address)
      VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${nowPlusSecondsSql(this.dialect, session.ttlSeconds)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)})`;
    const values = [
      session.tokenHash,
      session.userId,
      session.accountId ?? null,
      session.sourceApp,
      session.targetApp,
      session.userAgent ?? null,
      session.ipAddress ?? null,
    ];
    if (this.dialect === 'postgres') {
      const { rows } = await execute<{ id: number; expires_at: Date }>(this.dataSource, `${insert} RETURNING id, expires_at`, values, 'cross-app:insert');
      return { id: Number(rows[0]!.id), expiresAt: rows[0]!.expires_at };
    }
    // MySQL has no INSERT … RETURNING: read the computed expiry back by the new id.
    const { insertId } = await execute(this.dataSource, insert, values);
    const { rows } = await execute<{ expires_at: Date }>(this.dataSource, 'SELECT expires_at FROM cross_app_sessions WHERE id = ?', [insertId]);
    return { id: Number(insertId), expiresAt: rows[0]!.expires_at };
  }

  /**
   * Consumes the token for its target app: ONE conditional UPDATE, so that of any number of
   * concurrent validations exactly one changes the row (the others find `used_at` set and match
   * nothing). The session comes back with its user's name, email and role in the session's
   * account, which validation answers with: on PostgreSQL in the same statement (the UPDATE in
   * a CTE), on MySQL, which has no UPDATE … RETURNING, read after the update by the validation
   * that won it.
   */
  async consume(tokenHash: string, targetApp: string, counter?: StatementCounter): Promise<{ session: ConsumedSession | null; counted?: Counted }> {
    const now = nowSql(this.dialect);
    const parameters = new SqlParameters(this.dialect);
    // The rate limit's count first, in the same statement: the token is consumed only within the limit.
    const counted = counter ? `counted AS (${counter.sql(parameters)}),` : '';
    const update = `UPDATE cross_app_sessions SET used_at = ${now}
      WHERE token_hash = ${parameters.add(tokenHash)} AND target_app = ${parameters.add(targetApp)}
        AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ${now}`;
    if (this.dialect === 'postgres') {
      const within = counter ? ` AND EXISTS (SELECT 1 FROM counted k WHERE ${counter.allows('k', parameters)})` : '';
      const { rows } = await execute<RawConsumed & Partial<Counted>>(
        this.dataSource,
        counter
          ? `WITH ${counted} consumed AS (${update}${within} RETURNING ${SESSION_COLUMNS})
             SELECT k.points, k.expire, ${this.withUserColumns} FROM counted k LEFT JOIN (consumed s ${this.withUserJoins}) ON true`
          : `WITH consumed AS (${update} RETURNING ${SESSION_COLUMNS})
             SELECT ${this.withUserColumns} FROM consumed s ${this.withUserJoins}`,
        parameters.values,
        counter ? 'cross-app:count-and-consume' : 'cross-app:consume',
      );
      const row = rows[0];
      return { session: row && row.id !== null ? toConsumed(row) : null, counted: counter ? countedFrom(row) : undefined };
    }
    if (counter) throw new Error('a count in the statement needs PostgreSQL');
    // One transaction: a failed read must not leave the token consumed with nobody told.
    const session = await this.dataSource.transaction(async (manager) => {
      const { affected } = await execute(manager, update, parameters.values);
      if (affected !== 1) return null;
      const { rows } = await execute<RawConsumed>(
        manager,
        `SELECT ${this.withUserColumns} FROM cross_app_sessions s ${this.withUserJoins} WHERE s.token_hash = ?`,
        [tokenHash],
      );
      return rows[0] ? toConsumed(rows[0]) : null;
    });
    return { session };
  }

  /**
   * generate-session's write on PostgreSQL, in one statement with what it depends on: the
   * caller's registry row and user (`registrySql`, for a caller not yet confirmed), the user's
   * role in `accountId` if one is given, and the rate limit's count. The count is made only for an
   * enabled user (with a registry row for `session.userId`) who is a member, and the session
   * inserted only if it is within the limit. What was found comes back for the service to judge.
   */
  async insertForCaller(
    session: NewCrossAppSession,
    registrySql: (parameters: SqlParameters) => string | undefined,
    counter: StatementCounter,
  ): Promise<CheckedInsert> {
    if (this.dialect !== 'postgres') throw new Error('insertForCaller needs PostgreSQL');
    const parameters = new SqlParameters(this.dialect);
    const userId = parameters.add(session.userId);
    const accountId = parameters.add(session.accountId ?? null);
    const registry = registrySql(parameters);
    const caller =
      registry ??
      `SELECT NULL AS token_id, ${userId}::integer AS token_user_id, ${userId}::integer AS active_user_id, NULL AS active_user_email, NULL AS active_user_name`;
    const member = new DirectorySql(this.dialect).hasRoleIn('c.token_user_id', `${accountId}::integer`);
    const { rows } = await execute<CheckedInsertColumns>(
      this.dataSource,
      `WITH caller AS (${caller}),
       allowed AS (
         SELECT c.token_user_id AS user_id FROM caller c
         WHERE c.active_user_id IS NOT NULL AND c.token_user_id = ${userId}::integer AND (${accountId}::integer IS NULL OR ${member})
       ),
       counted AS (${counter.sql(parameters, 'allowed')}),
       inserted AS (
         INSERT INTO cross_app_sessions (token_hash, user_id, account_id, expires_at, source_app, target_app, user_agent, ip_address)
         SELECT ${parameters.add(session.tokenHash)}, a.user_id, ${accountId}::integer, ${nowPlusSecondsSql(this.dialect, session.ttlSeconds)},
           ${parameters.add(session.sourceApp)}, ${parameters.add(session.targetApp)}, ${parameters.add(session.userAgent ?? null)}, ${parameters.add(session.ipAddress ?? null)}
         FROM allowed a, counted k WHERE ${counter.allows('k', parameters)}
         RETURNING id, expires_at
       )
       SELECT c.*, EXISTS (SELECT 1 FROM allowed) AS allowed, k.points, k.expire, i.id AS session_id, i.expires_at
       FROM caller c LEFT JOIN counted k ON true LEFT JOIN inserted i ON true`,
      parameters.values,
      registry ? 'cross-app:insert-for-caller' : 'cross-app:insert-for-user',
    );
    const row = rows[0];
    return {
      registry: row,
      allowed: row?.allowed === true,
      counted: countedFrom(row),
      session: row && row.session_id !== null ? { id: Number(row.session_id), expiresAt: row.expires_at! } : null,
    };
  }

  async findByTokenHash(tokenHash: string): Promise<SessionRow | null> {
    const { rows } = await execute<RawSession>(
      this.dataSource,
      `SELECT ${SESSION_COLUMNS} FROM cross_app_sessions WHERE token_hash = ${placeholder(this.dialect, 1)}`,
      [tokenHash],
      'cross-app:by-hash',
    );
    return rows[0] ? toSession(rows[0]) : null;
  }

  /**
   * The session if it belongs to `targetApp`, was validated (SPEC §4: user-accounts and
   * validate-permission answer "after that"), and is neither expired nor revoked.
   */
  async findValidatedForApp(tokenHash: string, targetApp: string): Promise<SessionRow | null> {
    const p = (index: number) => placeholder(this.dialect, index);
    const { rows } = await execute<RawSession>(
      this.dataSource,
      `SELECT ${SESSION_COLUMNS} FROM cross_app_sessions
       WHERE token_hash = ${p(1)} AND target_app = ${p(2)} AND used_at IS NOT NULL
         AND revoked_at IS NULL AND expires_at > ${nowSql(this.dialect)}`,
      [tokenHash, targetApp],
      'cross-app:validated-for-app',
    );
    return rows[0] ? toSession(rows[0]) : null;
  }

  /**
   * Revokes sessions that are not revoked yet, chosen by id, by token hash, or all of a user's;
   * limited to one user's sessions when `userId` is given. Returns how many were revoked.
   */
  async revoke(filter: { id?: number; tokenHash?: string; userId?: number }): Promise<number> {
    const conditions = ['revoked_at IS NULL'];
    const parameters = new SqlParameters(this.dialect);
    const add = (sql: string, value: unknown): void => {
      conditions.push(`${sql} = ${parameters.add(value)}`);
    };
    if (filter.id !== undefined) add('id', filter.id);
    if (filter.tokenHash !== undefined) add('token_hash', filter.tokenHash);
    if (filter.userId !== undefined) add('user_id', filter.userId);
    if (parameters.values.length === 0) throw new Error('revoke needs a filter');
    const { affected } = await execute(
      this.dataSource,
      `UPDATE cross_app_sessions SET revoked_at = ${nowSql(this.dialect)} WHERE ${conditions.join(' AND ')}`,
      parameters.values,
    );
    return affected;
  }

  /** A user's sessions, newest first. */
  listForUser(userId: number, limit: number): Promise<CrossAppSession[]> {
    return this.dataSource
      .getRepository(CrossAppSession)
      .find({ where: { userId }, order: { id: 'DESC' }, take: limit });
  }

  findByUser(userId: number, sourceApp?: string): Promise<CrossAppSession[]> {
    return this.dataSource
      .getRepository(CrossAppSession)
      .find({ where: { userId, ...(sourceApp ? { sourceApp } : {}) }, order: { id: 'ASC' } });
  }

  /** The session with this token hash if it is neither expired nor revoked, by the database's clock. */
  findActiveByTokenHash(tokenHash: string): Promise<CrossAppSession | null> {
    return this.dataSource
      .getRepository(CrossAppSession)
      .createQueryBuilder('session')
      .where('session.token_hash = :tokenHash', { tokenHash })
      .andWhere('session.revoked_at IS NULL')
      .andWhere(`session.expires_at > ${nowSql(this.dialect)}`)
      .getOne();
  }
}

function countedFrom(row: { points?: number | string | null; expire?: number | string | null } | undefined): Counted | undefined {
  return row && row.points !== null && row.points !== undefined ? { points: Number(row.points), expire: Number(row.expire) } : undefined;
}

function toConsumed(row: RawConsumed): ConsumedSession {
  return {
    ...toSession(row),
    user: row.email === null ? null : { email: row.email, name: row.name, role: row.role },
  };
}

function toSession(row: RawSession): SessionRow {
  return {
    id: Number(row.id),
    userId: Number(row.user_id),
    accountId: row.account_id === null ? null : Number(row.account_id),
    targetApp: row.target_app,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
    revokedAt: row.revoked_at,
  };
}
