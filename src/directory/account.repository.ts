import { DataSource } from 'typeorm';
import { Injectable } from '../common/injection.js';
import { Account } from './account.entity.js';

@Injectable()
export class AccountRepository {
  constructor(private readonly dataSource: DataSource) {}

  findBySlug(slug: string): Promise<Account | null> {
    return this.dataSource.getRepository(Account).findOneBy({ slug });
  }

  list(): Promise<Account[]> {
    return this.dataSource.getRepository(Account).find({ order: { id: 'ASC' } });
  }

  /** A taken slug surfaces as a unique violation. */
  async insert(name: string, slug: string): Promise<Account> {
    await this.dataSource.getRepository(Account).insert({ name, slug });
    return this.dataSource.getRepository(Account).findOneByOrFail({ slug });
  }
}
