import { DataSource } from 'typeorm';
import { Injectable } from '../common/injection.js';
import { dialectOf, placeholder } from '../database/dialect.js';
import { execute } from '../database/sql.js';
import { DirectorySql } from './directory-sql.js';
import { AccountMembership } from './account-membership.entity.js';

export interface MembershipRow {
  accountId: number;
  accountSlug: string;
  accountName: string;
  userId: number;
  email: string;
  role: string;
}

@Injectable()
export class MembershipRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Sets the user's role in the account, adding the membership if there is none. */
  async upsert(accountId: number, userId: number, role: string): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(AccountMembership)
      .values({ accountId, userId, role })
      .orUpdate(['role'], ['account_id', 'user_id'])
      .execute();
  }

  async remove(accountId: number, userId: number): Promise<boolean> {
    const result = await this.dataSource.getRepository(AccountMembership).delete({ accountId, userId });
    return (result.affected ?? 0) > 0;
  }

  /**
   * The enabled user and its role in the account (null: not a member, or no account asked), in
   * one query: validation answers with both.
   */
  async findUserWithRole(
    userId: number,
    accountId: number | null,
  ): Promise<{ id: number; email: string; name: string | null; role: string | null } | null> {
    const dialect = dialectOf(this.dataSource);
    const directory = new DirectorySql(dialect);
    const { rows } = await execute<{ id: number; email: string; name: string | null; role: string | null }>(
      this.dataSource,
      `SELECT active.id, active.email, active.name, ${directory.roleColumn('m')}
       FROM (${directory.selectActiveUser((column) => `${column('id')} = ${placeholder(dialect, 1)}`)}) active
       ${directory.membershipJoin('m', 'active.id', placeholder(dialect, 2))}`,
      // In the order the placeholders stand in the text: MySQL's `?` bind by position.
      [userId, accountId],
      'directory:user-with-role',
    );
    const [row] = rows;
    return row ? { id: Number(row.id), email: row.email, name: row.name, role: row.role } : null;
  }

  /** The user's accounts and its role in each, on the users and accounts tables in force. */
  async accountsOfUser(userId: number): Promise<Array<{ id: number; name: string; slug: string; role: string }>> {
    const dialect = dialectOf(this.dataSource);
    const { rows } = await execute<{ account_id: number; account_name: string; account_slug: string; role: string }>(
      this.dataSource,
      new DirectorySql(dialect).accountsOfUser(placeholder(dialect, 1)),
      [userId],
    );
    return rows.map((row) => ({ id: Number(row.account_id), name: row.account_name, slug: row.account_slug, role: row.role }));
  }

  /** Memberships with their account and user, optionally for one user or one account (standalone tables). */
  list(filter: { userId?: number; accountId?: number } = {}): Promise<MembershipRow[]> {
    const query = this.dataSource
      .getRepository(AccountMembership)
      .createQueryBuilder('m')
      .innerJoin('m.account', 'a')
      .innerJoin('m.user', 'u')
      .select('m.account_id', 'accountId')
      .addSelect('a.slug', 'accountSlug')
      .addSelect('a.name', 'accountName')
      .addSelect('m.user_id', 'userId')
      .addSelect('u.email', 'email')
      .addSelect('m.role', 'role')
      .orderBy('m.account_id')
      .addOrderBy('m.user_id');
    if (filter.userId !== undefined) query.andWhere('m.user_id = :userId', { userId: filter.userId });
    if (filter.accountId !== undefined) query.andWhere('m.account_id = :accountId', { accountId: filter.accountId });
    return query.getRawMany<MembershipRow>();
  }
}
