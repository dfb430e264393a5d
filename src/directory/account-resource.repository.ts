import { DataSource } from 'typeorm';
import { Injectable } from '../common/injection.js';
import { dialectOf, placeholder } from '../database/dialect.js';
import { AccountResource } from './account-resource.entity.js';

@Injectable()
export class AccountResourceRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Adds the resource to the account; adding it twice is not an error. */
  async add(accountId: number, resourceId: string): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(AccountResource)
      .values({ accountId, resourceId })
      .orUpdate(['resource_id'], ['account_id', 'resource_id'])
      .execute();
  }

  async remove(accountId: number, resourceId: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(AccountResource).delete({ accountId, resourceId });
    return (result.affected ?? 0) > 0;
  }

  list(accountId: number): Promise<AccountResource[]> {
    return this.dataSource.getRepository(AccountResource).find({ where: { accountId }, order: { resourceId: 'ASC' } });
  }

  async exists(accountId: number, resourceId: string): Promise<boolean> {
    const dialect = dialectOf(this.dataSource);
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 AS found FROM account_resources
       WHERE account_id = ${placeholder(dialect, 1)} AND resource_id = ${placeholder(dialect, 2)}`,
      [accountId, resourceId],
    );
    return rows.length > 0;
  }
}
