import { DataSource, type EntityManager } from 'typeorm';
import { Injectable } from '../common/injection.js';
import { dialectOf, placeholder } from '../database/dialect.js';
import { execute, SqlParameters } from '../database/sql.js';
import { type ActiveUserColumns, activeUserFrom, DirectorySql } from '../directory/directory-sql.js';
import type { ActiveUser } from '../directory/directory.schemas.js';
import { AuthUserToken } from './auth-user-token.entity.js';

export interface NewAccessTokenRecord {
  readonly userId: number;
  /** SHA-256 of the JWT. */
  readonly tokenHash: string;
  readonly jti: string;
  readonly expiresAt: Date;
}

/** What AuthUserTokenRepository.enabledWithActiveUserSql's columns read. */
export interface RegistryColumns extends ActiveUserColumns {
  token_id: number | string | null;
  token_user_id: number | string | null;
}

/** An enabled registry row with its user (null when disabled or gone). */
export interface RegisteredTokenRow {
  readonly id: number;
  readonly userId: number;
  readonly user: ActiveUser | null;
}

export function registeredTokenFrom(row: RegistryColumns | undefined): RegisteredTokenRow | null {
  if (!row || row.token_id === null) return null;
  return { id: Number(row.token_id), userId: Number(row.token_user_id), user: activeUserFrom(row) };
}

/** The access-token registry: one row per issued JWT, found by the JWT's hash and jti. */
@Injectable()
export class AuthUserTokenRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(record: NewAccessTokenRecord, manager: EntityManager = this.dataSource.manager): Promise<number> {
    const result = await manager.getRepository(AuthUserToken).insert({
      userId: record.userId,
      accessToken: record.tokenHash,
      jti: record.jti,
      expiresAt: record.expiresAt,
      disabled: false,
    });
    return Number(result.identifiers[0]?.id);
  }

  /**
   * The enabled registry row of a token, by hash and jti. On every authenticated request, hence
   * plain SQL (no entity hydration). `disabled` must be false: NULL counts as disabled.
   */
  async findEnabledByHashAndJti(tokenHash: string, jti: string): Promise<{ id: number; userId: number } | null> {
    const dialect = dialectOf(this.dataSource);
    const { rows } = await execute<{ id: number; user_id: number }>(
      this.dataSource,
      `SELECT id, user_id FROM auth_user_tokens
       WHERE access_token = ${placeholder(dialect, 1)} AND jti = ${placeholder(dialect, 2)} AND disabled = ${placeholder(dialect, 3)}`,
      [tokenHash, jti, false],
      'registry:enabled-by-hash',
    );
    const [row] = rows;
    return row ? { id: Number(row.id), userId: Number(row.user_id) } : null;
  }

  /**
   * findEnabledByHashAndJti and the token's user (null when disabled or gone) in one statement:
   * authentication reads both on every request.
   */
  async findEnabledWithActiveUser(tokenHash: string, jti: string): Promise<RegisteredTokenRow | null> {
    const parameters = new SqlParameters(dialectOf(this.dataSource));
    const { rows } = await execute<RegistryColumns>(
      this.dataSource,
      this.enabledWithActiveUserSql(parameters, tokenHash, jti),
      parameters.values,
      'registry:enabled-with-user',
    );
    return registeredTokenFrom(rows[0]);
  }

  /**
   * The SELECT of findEnabledWithActiveUser, for a statement of another capability that reads the
   * registry in its own round trip (generate-session): columns `token_id`, `token_user_id` and
   * the ActiveUserColumns. Read back with registeredTokenFrom.
   */
  enabledWithActiveUserSql(parameters: SqlParameters, tokenHash: string, jti: string): string {
    const users = new DirectorySql(dialectOf(this.dataSource)).activeUserWith('t.user_id');
    return `SELECT t.id AS token_id, t.user_id AS token_user_id, ${users.columns} FROM auth_user_tokens t ${users.join}
       WHERE t.access_token = ${parameters.add(tokenHash)} AND t.jti = ${parameters.add(jti)} AND t.disabled = ${parameters.add(false)}`;
  }

  findByHash(tokenHash: string): Promise<AuthUserToken | null> {
    return this.dataSource.getRepository(AuthUserToken).findOneBy({ accessToken: tokenHash });
  }

  listByUser(userId: number): Promise<AuthUserToken[]> {
    return this.dataSource.getRepository(AuthUserToken).find({ where: { userId }, order: { id: 'DESC' } });
  }

  /** Disables every token of the user; returns how many were still enabled. */
  async disableAllForUser(userId: number, manager: EntityManager = this.dataSource.manager): Promise<number> {
    const result = await manager
      .createQueryBuilder()
      .update(AuthUserToken)
      .set({ disabled: true })
      .where('user_id = :userId AND (disabled = :enabled OR disabled IS NULL)', { userId, enabled: false })
      .execute();
    return result.affected ?? 0;
  }

  /** Disables the token if it is the user's; returns whether it is the user's at all. */
  async disableOwned(id: number, userId: number): Promise<boolean> {
    await this.dataSource
      .createQueryBuilder()
      .update(AuthUserToken)
      .set({ disabled: true })
      .where('id = :id AND user_id = :userId', { id, userId })
      .execute();
    return (await this.dataSource.getRepository(AuthUserToken).countBy({ id, userId })) > 0;
  }

  async disableById(id: number): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(AuthUserToken)
      .set({ disabled: true })
      .where('id = :id AND (disabled = :enabled OR disabled IS NULL)', { id, enabled: false })
      .execute();
    return (result.affected ?? 0) > 0;
  }
}
