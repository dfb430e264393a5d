import { DataSource, type EntityManager, IsNull } from 'typeorm';
import { Injectable } from '../common/injection.js';
import { dialectOf, nowPlusSecondsSql, nowSql } from '../database/dialect.js';
import { SigningKey } from './signing-key.entity.js';

export type NewSigningKey = Pick<SigningKey, 'kid' | 'algorithm' | 'publicJwk' | 'privateKeyEncrypted'>;

@Injectable()
export class SigningKeyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The current key and the retired ones still published, newest first. */
  findPublished(): Promise<SigningKey[]> {
    return this.dataSource
      .getRepository(SigningKey)
      .createQueryBuilder('key')
      .where(`key.retired_at IS NULL OR key.publish_until > ${nowSql(dialectOf(this.dataSource))}`)
      .orderBy('key.id', 'DESC')
      .getMany();
  }

  findAll(): Promise<SigningKey[]> {
    return this.dataSource.getRepository(SigningKey).find({ order: { id: 'DESC' } });
  }

  async hasCurrent(): Promise<boolean> {
    return (await this.dataSource.getRepository(SigningKey).countBy({ retiredAt: IsNull() })) > 0;
  }

  /**
   * Retires the current key (published for `publishSeconds` more) and inserts its successor, in
   * one transaction so that there is always exactly one current key.
   */
  async replaceCurrent(key: NewSigningKey, publishSeconds: number): Promise<string[]> {
    return this.dataSource.transaction(async (manager) => {
      const retired = await this.findCurrentKids(manager);
      const dialect = dialectOf(this.dataSource);
      await manager
        .createQueryBuilder()
        .update(SigningKey)
        .set({ retiredAt: () => nowSql(dialect), publishUntil: () => nowPlusSecondsSql(dialect, publishSeconds) })
        .where('retired_at IS NULL')
        .execute();
      await manager.getRepository(SigningKey).insert(key);
      return retired;
    });
  }

  private async findCurrentKids(manager: EntityManager): Promise<string[]> {
    const rows = await manager
      .getRepository(SigningKey)
      .createQueryBuilder('key')
      .select('key.kid', 'kid')
      .where('key.retired_at IS NULL')
      .setLock('pessimistic_write')
      .getRawMany<{ kid: string }>();
    return rows.map((row) => row.kid);
  }
}
