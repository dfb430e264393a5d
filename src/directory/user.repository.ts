import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { User } from './user.entity.js';

@Injectable()
export class UserRepository {
  constructor(private readonly dataSource: DataSource) {}

  findByEmail(email: string): Promise<User | null> {
    return this.dataSource.getRepository(User).findOneBy({ email });
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

  async deleteById(id: number): Promise<boolean> {
    const result = await this.dataSource.getRepository(User).delete({ id });
    return (result.affected ?? 0) > 0;
  }
}
