import { DataSource, type EntityManager } from 'typeorm';
import { Injectable } from '../common/injection.js';
import { dialectOf, nowPlusSecondsSql, nowSql, placeholder, type SqlDialect } from '../database/dialect.js';
import { execute } from '../database/sql.js';
import { DirectorySql } from '../directory/directory-sql.js';
import type { AuthSessionStatus } from './auth-session.entity.js';

export interface NewAuthSession {
  readonly id: string;
  readonly deviceCodeHash: string;
  readonly userCode: string;
  readonly clientId: string | null;
  readonly userAgent: string | null;
  readonly ipAddress: string | null;
  readonly ttlSeconds: number;
  readonly pollIntervalSeconds: number;
}

/** What the approving phone is shown about a pending request. */
export interface PendingRequestRow {
  readonly id: string;
  readonly userCode: string;
  readonly clientId: string | null;
  readonly userAgent: string | null;
  readonly ipAddress: string | null;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

/** A request as polling and exchanging need it, with the database's clock at the time of reading. */
export interface AuthSessionRow {
  readonly id: string;
  readonly status: AuthSessionStatus;
  readonly userId: number | null;
  readonly clientId: string | null;
  readonly expiresAt: Date;
  /** Whether an exchange token was handed out (its hash is set). */
  readonly exchangeTokenIssued: boolean;
  readonly exchangeExpiresAt: Date | null;
  readonly isExchanged: boolean;
  readonly pollInterval: number;
  readonly lastPolledAt: Date | null;
  readonly databaseNow: Date;
}

interface RawAuthSession {
  id: string;
  status: AuthSessionStatus;
  user_id: number | null;
  client_id: string | null;
  expires_at: Date;
  exchange_token: string | null;
  exchange_expires_at: Date | null;
  is_exchanged: boolean | number;
  poll_interval: number;
  last_polled_at: Date | null;
  database_now: Date;
}

/** Every statement on `auth_sessions`. */
@Injectable()
export class AuthSessionRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get dialect(): SqlDialect {
    return dialectOf(this.dataSource);
  }

  private p(index: number): string {
    return placeholder(this.dialect, index);
  }

  /** Inserts a pending request whose expiry the database computes from its own clock. */
  async insert(session: NewAuthSession): Promise<void> {
    const p = (index: number) => this.p(index);
    await execute(
      this.dataSource,
      `INSERT INTO auth_sessions
         (id, device_code_hash, user_code, status, client_id, user_agent, ip_address, poll_interval, expires_at)
       VALUES (${p(1)}, ${p(2)}, ${p(3)}, 'pending', ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}, ${nowPlusSecondsSql(this.dialect, session.ttlSeconds)})`,
      [
        session.id,
        session.deviceCodeHash,
        session.userCode,
        session.clientId,
        session.userAgent,
        session.ipAddress,
        session.pollIntervalSeconds,
      ],
    );
  }

  /** The request with this user code if it is pending and not expired. */
  async findPendingByUserCode(userCode: string): Promise<PendingRequestRow | null> {
    const { rows } = await execute<{
      id: string;
      user_code: string;
      client_id: string | null;
      user_agent: string | null;
      ip_address: string | null;
      created_at: Date;
      expires_at: Date;
    }>(
      this.dataSource,
      `SELECT id, user_code, client_id, user_agent, ip_address, created_at, expires_at FROM auth_sessions
       WHERE user_code = ${this.p(1)} AND status = 'pending' AND expires_at > ${nowSql(this.dialect)}`,
      [userCode],
    );
    const row = rows[0];
    return row
      ? {
          id: String(row.id),
          userCode: row.user_code,
          clientId: row.client_id,
          userAgent: row.user_agent,
          ipAddress: row.ip_address,
          createdAt: row.created_at,
          expiresAt: row.expires_at,
        }
      : null;
  }

  /** A pending request with this id (the QR image's), or null. */
  async findPendingUserCodeById(id: string): Promise<string | null> {
    const { rows } = await execute<{ user_code: string }>(
      this.dataSource,
      `SELECT user_code FROM auth_sessions WHERE id = ${this.p(1)} AND status = 'pending' AND expires_at > ${nowSql(this.dialect)}`,
      [id],
    );
    return rows[0]?.user_code ?? null;
  }

  /**
   * Approves (for `userId`) or denies the pending request: ONE conditional UPDATE, so that of a
   * concurrent approval and denial exactly one changes the row, and it stays as decided.
   * Returns whether this call decided it.
   */
  async decide(id: string, decision: 'approved' | 'denied', userId: number): Promise<boolean> {
    const now = nowSql(this.dialect);
    const { affected } = await execute(
      this.dataSource,
      `UPDATE auth_sessions SET status = ${this.p(1)}, user_id = ${this.p(2)}, approved_at = ${decision === 'approved' ? now : 'NULL'}
       WHERE id = ${this.p(3)} AND status = 'pending' AND expires_at > ${now}`,
      [decision, decision === 'approved' ? userId : null, id],
    );
    return affected === 1;
  }

  /** Whether a request with this user code was decided (approved or denied) and has not expired. */
  async isDecided(userCode: string): Promise<boolean> {
    const { rows } = await execute(
      this.dataSource,
      `SELECT 1 AS found FROM auth_sessions
       WHERE user_code = ${this.p(1)} AND status IN ('approved', 'denied') AND expires_at > ${nowSql(this.dialect)}`,
      [userCode],
    );
    return rows.length > 0;
  }

  /** Runs `work` in a transaction holding the request's row lock (null: no such device code). */
  lockByDeviceCodeHash<T>(deviceCodeHash: string, work: (row: AuthSessionRow | null, manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const { rows } = await execute<RawAuthSession>(
        manager,
        `${selectSession(this.dialect)} WHERE device_code_hash = ${this.p(1)} FOR UPDATE`,
        [deviceCodeHash],
      );
      return work(rows[0] ? toRow(rows[0]) : null, manager);
    });
  }

  /** The request with this device code, read without a lock. */
  async findByDeviceCodeHash(deviceCodeHash: string): Promise<AuthSessionRow | null> {
    const { rows } = await execute<RawAuthSession>(this.dataSource, `${selectSession(this.dialect)} WHERE device_code_hash = ${this.p(1)}`, [deviceCodeHash]);
    return rows[0] ? toRow(rows[0]) : null;
  }

  /** The request an exchange token was handed out for, read without a lock. */
  async findByExchangeTokenHash(exchangeTokenHash: string): Promise<AuthSessionRow | null> {
    const { rows } = await execute<RawAuthSession>(this.dataSource, `${selectSession(this.dialect)} WHERE exchange_token = ${this.p(1)}`, [exchangeTokenHash]);
    return rows[0] ? toRow(rows[0]) : null;
  }

  /** Records a poll: its time, the interval from now on and, for a lapsed pending request, `expired`. */
  async recordPoll(manager: EntityManager, id: string, change: { pollInterval: number; expire: boolean }): Promise<void> {
    await execute(
      manager,
      `UPDATE auth_sessions SET last_polled_at = ${nowSql(this.dialect)}, poll_interval = ${this.p(1)}${change.expire ? ", status = 'expired'" : ''}
       WHERE id = ${this.p(2)}`,
      [change.pollInterval, id],
    );
  }

  /**
   * Hands out the request's exchange token (stored as its SHA-256): only for an approved request
   * that never had one and was never exchanged, including rows approved before exchange tokens
   * existed. Returns whether this call set it.
   */
  async setExchangeToken(manager: EntityManager, id: string, exchangeTokenHash: string, ttlSeconds: number): Promise<boolean> {
    const { affected } = await execute(
      manager,
      `UPDATE auth_sessions
       SET exchange_token = ${this.p(1)}, exchange_expires_at = ${nowPlusSecondsSql(this.dialect, ttlSeconds)},
           last_polled_at = ${nowSql(this.dialect)}
       WHERE id = ${this.p(2)} AND status = 'approved' AND exchange_token IS NULL AND is_exchanged = ${this.p(3)}`,
      [exchangeTokenHash, id, false],
    );
    return affected === 1;
  }

  /**
   * Spends the exchange token and runs `then` (which records the access token) in one
   * transaction: both happen or neither. Null when the token could not be spent.
   */
  exchangeOnce<T>(exchangeTokenHash: string, userId: number, then: (manager: EntityManager) => Promise<T>): Promise<T | null> {
    return this.dataSource.transaction(async (manager) =>
      (await this.markExchanged(manager, exchangeTokenHash, userId)) ? then(manager) : null,
    );
  }

  /**
   * Exchanges once: ONE conditional UPDATE marks the request exchanged if the token is its
   * unexpired, unexchanged exchange token and its user `userId` is still enabled. Of concurrent
   * exchanges exactly one matches; the others wait for it and then match nothing.
   */
  private async markExchanged(manager: EntityManager, exchangeTokenHash: string, userId: number): Promise<boolean> {
    const now = nowSql(this.dialect);
    const { affected } = await execute(
      manager,
      `UPDATE auth_sessions SET is_exchanged = ${this.p(1)}
       WHERE exchange_token = ${this.p(2)} AND user_id = ${this.p(3)} AND is_exchanged = ${this.p(4)}
         AND status = 'approved' AND exchange_expires_at > ${now}
         AND ${new DirectorySql(this.dialect).activeUserExists('auth_sessions.user_id')}`,
      [true, exchangeTokenHash, userId, false],
    );
    return affected === 1;
  }

  /**
   * The device grant's redemption (RFC 8628 §3.4): the device code itself is the one-time
   * credential, so the request is marked exchanged without an exchange token. Only for an approved,
   * unexpired request that never had an exchange token, whose user is still enabled.
   */
  async markGranted(manager: EntityManager, id: string, userId: number): Promise<boolean> {
    const now = nowSql(this.dialect);
    const { affected } = await execute(
      manager,
      `UPDATE auth_sessions SET is_exchanged = ${this.p(1)}, last_polled_at = ${now}
       WHERE id = ${this.p(2)} AND user_id = ${this.p(3)} AND is_exchanged = ${this.p(4)} AND exchange_token IS NULL
         AND status = 'approved' AND expires_at > ${now}
         AND ${new DirectorySql(this.dialect).activeUserExists('auth_sessions.user_id')}`,
      [true, id, userId, false],
    );
    return affected === 1;
  }
}

/** The columns polling and exchanging read, with the database's clock to judge them by. */
function selectSession(dialect: SqlDialect): string {
  return `SELECT id, status, user_id, client_id, expires_at, exchange_token, exchange_expires_at, is_exchanged,
    poll_interval, last_polled_at, ${nowSql(dialect)} AS database_now FROM auth_sessions`;
}

function toRow(row: RawAuthSession): AuthSessionRow {
  return {
    id: String(row.id),
    status: row.status,
    userId: row.user_id === null ? null : Number(row.user_id),
    clientId: row.client_id,
    expiresAt: row.expires_at,
    exchangeTokenIssued: row.exchange_token !== null,
    exchangeExpiresAt: row.exchange_expires_at,
    isExchanged: Boolean(row.is_exchanged),
    pollInterval: Number(row.poll_interval),
    lastPolledAt: row.last_polled_at,
    databaseNow: row.database_now,
  };
}
