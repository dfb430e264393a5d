import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation, Unique } from 'typeorm';
import { hostRelationTarget } from '../database/host-tables.js';

export const AUTH_SESSION_STATUSES = ['pending', 'approved', 'denied', 'expired'] as const;
export type AuthSessionStatus = (typeof AUTH_SESSION_STATUSES)[number];

/**
 * A QR-code / device login request (SPEC §5). The desktop holds the device code (stored as its
 * SHA-256); the phone approves by user code. `exchangeToken` and `isExchanged` come from
 * migration 1736467200000 (design document 002): rows approved before it have a NULL exchange token.
 */
@Entity('auth_sessions')
@Unique('uq_auth_sessions_device_code_hash', ['deviceCodeHash'])
@Unique('uq_auth_sessions_user_code', ['userCode'])
@Check('chk_auth_sessions_status', `status IN ('pending', 'approved', 'denied', 'expired')`)
@Index('idx_auth_sessions_user_id', ['userId'])
@Index('idx_auth_sessions_expires_at', ['expiresAt'])
@Index('idx_auth_sessions_exchange_token', ['exchangeToken'], { where: 'exchange_token IS NOT NULL' })
@Index('idx_auth_sessions_is_exchanged', ['isExchanged'])
export class AuthSession {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'device_code_hash', type: 'varchar', length: 64 })
  deviceCodeHash!: string;

  @Column({ name: 'user_code', type: 'varchar', length: 16 })
  userCode!: string;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status!: AuthSessionStatus;

  @Column({ name: 'user_id', type: 'integer', nullable: true })
  userId!: number | null;

  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent!: string | null;

  /** `INET` on PostgreSQL, `VARCHAR(45)` on MariaDB. */
  @Column({ name: 'ip_address', type: 'varchar', length: 45, nullable: true })
  ipAddress!: string | null;

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'approved_at', type: Date, nullable: true })
  approvedAt!: Date | null;

  @Column({ name: 'expires_at', type: Date })
  expiresAt!: Date;

  /** SHA-256 of the one-time exchange token, never the token. */
  @Column({ name: 'exchange_token', type: 'varchar', length: 64, nullable: true })
  exchangeToken!: string | null;

  @Column({ name: 'is_exchanged', type: Boolean, default: false })
  isExchanged!: boolean;

  /** The exchange token is good until then. */
  @Column({ name: 'exchange_expires_at', type: Date, nullable: true })
  exchangeExpiresAt!: Date | null;

  /** The OAuth client that asked (RFC 8628); NULL for Handoff's own /qr page. */
  @Column({ name: 'client_id', type: 'varchar', length: 50, nullable: true })
  clientId!: string | null;

  /** Seconds the desktop must wait between polls; `slow_down` raises it by 5. */
  @Column({ name: 'poll_interval', type: 'integer', default: 5 })
  pollInterval!: number;

  @Column({ name: 'last_polled_at', type: Date, nullable: true })
  lastPolledAt!: Date | null;

  @ManyToOne(hostRelationTarget('users'), { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_auth_sessions_user_id' })
  user?: Relation<object>;
}
