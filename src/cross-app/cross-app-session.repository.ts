import { DataSource } from 'typeorm';
import { Injectable } from '../common/injection.js';
import { dialectOf, nowPlusSecondsSql, nowSql, placeholder, type SqlDialect } from '../database/dialect.js';
import { execute } from '../database/sql.js';
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
  async consume(tokenHash: string, targetApp: string): Promise<ConsumedSession | null> {
    const now = nowSql(this.dialect);
    const p = (index: number) => placeholder(this.dialect, index);
    const update = `UPDATE cross_app_sessions SET used_at = ${now}
      WHERE token_hash = ${p(1)} AND target_app = ${p(2)}
        AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ${now}`;
    if (this.dialect === 'postgres') {
      const { rows } = await execute<RawConsumed>(
        this.dataSource,
        `WITH consumed AS (${update} RETURNING ${SESSION_COLUMNS})
         SELECT ${this.withUserColumns} FROM consumed s ${this.withUserJoins}`,
        [tokenHash, targetApp],
        'cross-app:consume',
      );
      return rows[0] ? toConsumed(rows[0]) : null;
    }
    // One transaction: a failed read must not leave the token consumed with nobody told.
    return this.dataSource.transaction(async (manager) => {
      const { affected } = await execute(manager, update, [tokenHash, targetApp]);
      if (affected !== 1) return null;
      const { rows } = await execute<RawConsumed>(
        manager,
        `SELECT ${this.withUserColumns} FROM cross_app_sessions s ${this.withUserJoins} WHERE s.token_hash = ?`,
        [tokenHash],
      );
      return rows[0] ? toConsumed(rows[0]) : null;
    });
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
    const values: unknown[] = [];
    const add = (sql: string, value: unknown): void => {
      values.push(value);
      conditions.push(`${sql} = ${placeholder(this.dialect, values.length)}`);
    };
    if (filter.id !== undefined) add('id', filter.id);
    if (filter.tokenHash !== undefined) add('token_hash', filter.tokenHash);
    if (filter.userId !== undefined) add('user_id', filter.userId);
    if (values.length === 0) throw new Error('revoke needs a filter');
    const { affected } = await execute(
      this.dataSource,
      `UPDATE cross_app_sessions SET revoked_at = ${nowSql(this.dialect)} WHERE ${conditions.join(' AND ')}`,
      values,
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
