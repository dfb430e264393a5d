import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { dialectOf, nowPlusSecondsSql, nowSql } from '../database/dialect.js';
import { CrossAppSession } from './cross-app-session.entity.js';

export interface NewCrossAppSession {
  readonly tokenHash: string;
  readonly userId: number;
  readonly accountId?: number | null;
  readonly sourceApp: string;
  readonly targetApp: string;
  readonly userAgent?: string | null;
  readonly ipAddress?: string | null;
  /** Lifetime from the database's current time; negative for an already expired session. */
  readonly ttlSeconds: number;
}

@Injectable()
export class CrossAppSessionRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts a session whose expiry the database computes from its own clock; returns its id. */
  async insert(session: NewCrossAppSession): Promise<number> {
    const { ttlSeconds, ...columns } = session;
    const result = await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(CrossAppSession)
      .values({ ...columns, expiresAt: () => nowPlusSecondsSql(dialectOf(this.dataSource), ttlSeconds) })
      .execute();
    return Number((result.identifiers[0] as { id: number }).id);
  }

  /** The session with this token hash if it is neither expired nor revoked, by the database's clock. */
  findActiveByTokenHash(tokenHash: string): Promise<CrossAppSession | null> {
    return this.dataSource
      .getRepository(CrossAppSession)
      .createQueryBuilder('session')
      .where('session.token_hash = :tokenHash', { tokenHash })
      .andWhere('session.revoked_at IS NULL')
      .andWhere(`session.expires_at > ${nowSql(dialectOf(this.dataSource))}`)
      .getOne();
  }

  findByUser(userId: number, sourceApp?: string): Promise<CrossAppSession[]> {
    return this.dataSource
      .getRepository(CrossAppSession)
      .find({ where: { userId, ...(sourceApp ? { sourceApp } : {}) }, order: { id: 'ASC' } });
  }
}
