import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A cross-app session moved out of the live table by cleanup: the same columns as
 * `CrossAppSession` (migration 1795600100000 explains the primary key and the partitions).
 */
@Entity('cross_app_sessions_archive')
@Index('idx_cross_app_sessions_archive_created_at', ['createdAt'])
@Index('idx_cross_app_sessions_archive_user_id', ['userId'])
export class CrossAppSessionArchive {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'token_hash', type: 'varchar', length: 255 })
  tokenHash!: string;

  @Column({ name: 'user_id', type: 'integer' })
  userId!: number;

  @Column({ name: 'account_id', type: 'integer', nullable: true })
  accountId?: number | null;

  @Column({ name: 'expires_at', type: Date })
  expiresAt!: Date;

  @PrimaryColumn({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'used_at', type: Date, nullable: true })
  usedAt?: Date | null;

  @Column({ name: 'revoked_at', type: Date, nullable: true })
  revokedAt?: Date | null;

  @Column({ name: 'source_app', type: 'varchar', length: 50, nullable: true, default: 'tuvens' })
  sourceApp!: string;

  @Column({ name: 'target_app', type: 'varchar', length: 50, nullable: true, default: 'hi-events' })
  targetApp!: string;

  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent?: string | null;

  /** `INET` on PostgreSQL, `VARCHAR(45)` on MariaDB, as on the live table. */
  @Column({ name: 'ip_address', type: 'varchar', length: 45, nullable: true })
  ipAddress?: string | null;
}
