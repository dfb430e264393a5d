import { DataSource, type EntityManager } from 'typeorm';
import { Injectable } from '../common/injection.js';
import { dialectOf, nowSql, placeholder } from '../database/dialect.js';
import { execute } from '../database/sql.js';
import { DirectorySql } from './directory-sql.js';
import { ExternalIdentityTombstone } from './external-identity-tombstone.entity.js';
import { User } from './user.entity.js';

export interface NewUser {
  readonly email: string;
  readonly name: string | null;
  readonly externalIssuer?: string;
  readonly externalSubject?: string;
}

@Injectable()
export class UserRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(id: number, manager: EntityManager = this.dataSource.manager): Promise<User | null> {
    return manager.getRepository(User).findOneBy({ id });
  }

  /** On every authenticated request, hence plain SQL (no entity hydration). */
  async findActiveById(id: number): Promise<Pick<User, 'id' | 'email' | 'name'> | null> {
    return this.findActiveBy('id', id);
  }

  /** The enabled user with this email, on the users table in force (Handoff's or the host's). */
  findActiveByEmail(email: string): Promise<Pick<User, 'id' | 'email' | 'name'> | null> {
    return this.findActiveBy('email', email);
  }

  private async findActiveBy(key: 'id' | 'email', value: number | string): Promise<Pick<User, 'id' | 'email' | 'name'> | null> {
    const dialect = dialectOf(this.dataSource);
    const { rows } = await execute<{ id: number; email: string; name: string | null }>(
      this.dataSource,
      new DirectorySql(dialect).selectActiveUser((column) => `${column(key)} = ${placeholder(dialect, 1)}`),
      [value],
      `directory:active-user-by-${key}`,
    );
    const [row] = rows;
    return row ? { id: Number(row.id), email: row.email, name: row.name } : null;
  }

  findByEmail(email: string): Promise<User | null> {
    return this.dataSource.getRepository(User).findOneBy({ email });
  }

  findByExternalIdentity(issuer: string, subject: string): Promise<User | null> {
    return this.dataSource.getRepository(User).findOneBy({ externalIssuer: issuer, externalSubject: subject });
  }

  list(): Promise<User[]> {
    return this.dataSource.getRepository(User).find({ order: { id: 'ASC' } });
  }

  /** Inserts a user; a taken email (or external identity) surfaces as a unique violation. */
  async insert(user: NewUser): Promise<User> {
    const result = await this.dataSource.getRepository(User).insert({
      email: user.email,
      name: user.name,
      externalIssuer: user.externalIssuer ?? null,
      externalSubject: user.externalSubject ?? null,
    });
    return this.dataSource.getRepository(User).findOneByOrFail({ id: Number(result.identifiers[0]?.id) });
  }

  /**
   * Returns the user with this email, creating it if needed. Safe against a concurrent creator:
   * the unique email turns a racing insert into a no-op update, and the row is then read back.
   * (Not INSERT IGNORE: on MySQL it would also silence truncation and other data errors.)
   */
  async findOrCreate(email: string, name: string | null): Promise<User> {
    const existing = await this.findByEmail(email);
    if (existing) return existing;
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(User)
      .values({ email, name })
      .orUpdate(['email'], ['email'])
      .execute();
    return this.dataSource.getRepository(User).findOneByOrFail({ email });
  }

  /** Marks the user disabled (once: an already disabled user keeps its first date). */
  async disable(id: number, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(User)
      .set({ disabledAt: () => nowSql(dialectOf(this.dataSource)) })
      .where('id = :id AND disabled_at IS NULL', { id })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /**
   * Deletes the user. An externally provisioned user leaves a tombstone of its (issuer, subject),
   * in the same transaction, so that its issuer's tokens do not create it again.
   */
  async deleteById(id: number, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    const user = await manager.getRepository(User).findOneBy({ id });
    if (!user) return false;
    if (user.externalIssuer && user.externalSubject) {
      await manager
        .createQueryBuilder()
        .insert()
        .into(ExternalIdentityTombstone)
        .values({ externalIssuer: user.externalIssuer, externalSubject: user.externalSubject })
        .orUpdate(['external_subject'], ['external_issuer', 'external_subject'])
        .execute();
    }
    const result = await manager.getRepository(User).delete({ id });
    return (result.affected ?? 0) > 0;
  }

  async isTombstoned(issuer: string, subject: string): Promise<boolean> {
    return (await this.dataSource.getRepository(ExternalIdentityTombstone).countBy({ externalIssuer: issuer, externalSubject: subject })) > 0;
  }
}
