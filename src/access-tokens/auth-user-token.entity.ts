import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';

/**
 * The access-token registry (ticket MET-14854). One row per JWT Handoff issued. `accessToken`
 * holds the SHA-256 of the JWT, never the JWT. There is deliberately no foreign key to users:
 * the ticket only references `auth_user.id` in a comment, so user deletion disables tokens explicitly.
 */
@Entity('auth_user_tokens')
// PostgreSQL's spelling of INT UNSIGNED (see the migration); MySQL has the unsigned type itself.
@Check('auth_user_tokens_user_id_check', 'user_id >= 0')
@Unique('uq_auth_user_tokens_jti', ['jti'])
@Index('idx_auth_user_tokens_access_token', ['accessToken'])
@Index('idx_auth_user_tokens_user_id', ['userId'])
export class AuthUserToken {
  @PrimaryGeneratedColumn({ unsigned: true })
  id!: number;

  @Column({ name: 'user_id', type: 'integer', unsigned: true, comment: 'the user id(hybrid.auth_user.id)' })
  userId!: number;

  @Column({ type: Boolean, nullable: true, default: false, comment: 'the token is available or not.' })
  disabled!: boolean | null;

  @Column({
    name: 'access_token',
    type: 'varchar',
    length: 512,
    comment: 'the jwt access token belong to the user id',
  })
  accessToken!: string;

  @CreateDateColumn({ name: 'created_at', type: Date, precision: 0, default: () => 'CURRENT_TIMESTAMP' })
  createdAt!: Date;

  /** The JWT's `jti` (migration 1795600002000); NULL on rows from before it. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  jti!: string | null;

  /** The JWT's `exp`. */
  @Column({ name: 'expires_at', type: Date, precision: 0, nullable: true })
  expiresAt!: Date | null;

  /** Kept current by the database (`ON UPDATE CURRENT_TIMESTAMP` on MariaDB, a trigger on PostgreSQL). */
  @UpdateDateColumn({
    name: 'updated_at',
    type: Date,
    precision: 0,
    default: () => 'CURRENT_TIMESTAMP',
    onUpdate: 'CURRENT_TIMESTAMP',
  })
  updatedAt!: Date;
}
