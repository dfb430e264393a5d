import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
  Unique,
} from 'typeorm';
import { hostRelationTarget } from '../database/host-tables.js';

/**
 * The columns a session keeps in the live table and in the archive alike (design documents
 * 000/001/004): each table adds its own `id` and `created_at`, which differ in kind.
 */
export abstract class CrossAppSessionColumns {
  @Column({ name: 'token_hash', type: 'varchar', length: 255 })
  tokenHash!: string;

  @Column({ name: 'user_id', type: 'integer' })
  userId!: number;

  @Column({ name: 'account_id', type: 'integer', nullable: true })
  accountId?: number | null;

  @Column({ name: 'expires_at', type: Date })
  expiresAt!: Date;

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

  /** `INET` on PostgreSQL, `VARCHAR(45)` on MariaDB (see the migration); a string either way. */
  @Column({ name: 'ip_address', type: 'varchar', length: 45, nullable: true })
  ipAddress?: string | null;
}

/**
 * A single-use handoff token's record (design documents 000/001/004). Only the SHA-256 of the
 * token is stored. Columns and index names follow migration 1642700000000, less the duplicate
 * index on token_hash that 1795600200000 drops (the UNIQUE constraint's index serves look-ups).
 */
@Entity('cross_app_sessions')
// The name PostgreSQL gives the design documents' inline UNIQUE; MariaDB's DDL uses it too.
@Unique('cross_app_sessions_token_hash_key', ['tokenHash'])
@Index('idx_cross_app_sessions_expires_at', ['expiresAt'])
@Index('idx_cross_app_sessions_user_id', ['userId'])
@Index('idx_cross_app_sessions_created_at', ['createdAt'])
@Index('idx_cross_app_sessions_cleanup', ['expiresAt', 'revokedAt'], { where: 'revoked_at IS NULL' })
export class CrossAppSession extends CrossAppSessionColumns {
  @PrimaryGeneratedColumn()
  id!: number;

  @CreateDateColumn({ name: 'created_at', type: Date, nullable: true })
  createdAt!: Date;

  // The users / accounts table in force: Handoff's own, or the host's (database/host-tables.ts).
  @ManyToOne(hostRelationTarget('users'), { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_cross_app_sessions_user_id' })
  user?: Relation<object>;

  @ManyToOne(hostRelationTarget('accounts'), { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id', foreignKeyConstraintName: 'fk_cross_app_sessions_account_id' })
  account?: Relation<object>;

  get isExpired(): boolean {
    return Date.now() > this.expiresAt.getTime();
  }

  /**
   * The design documents wrote `revokedAt !== null`, which calls a session revoked when the
   * column was simply not loaded (`undefined`). Loose equality treats both as "not revoked".
   */
  get isRevoked(): boolean {
    return this.revokedAt != null;
  }

  get isActive(): boolean {
    return !this.isExpired && !this.isRevoked;
  }
}
