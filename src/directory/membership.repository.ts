import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
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
