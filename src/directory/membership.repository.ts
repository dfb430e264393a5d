import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { dialectOf, placeholder } from '../database/dialect.js';
import { execute } from '../database/sql.js';
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
    const { rows } = await execute<{ id: number; email: string; name: string | null; role: string | null }>(
      this.dataSource,
      `SELECT u.id, u.email, u.name, m.role
       FROM users u
       LEFT JOIN account_members m ON m.user_id = u.id AND m.account_id = ${placeholder(dialect, 1)}
       WHERE u.id = ${placeholder(dialect, 2)} AND u.disabled_at IS NULL`,
      [accountId, userId],
      'directory:user-with-role',
    );
    const [row] = rows;
    return row ? { id: Number(row.id), email: row.email, name: row.name, role: row.role } : null;
  }

  /** Memberships with their account and user, optionally for one user or one account. */
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
