import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import type { TargetApp } from './target-app.entity.js';

/**
 * One shared secret of a target app, stored as its SHA-256. An app has at most two active
 * (unretired) secrets, so a secret can be rotated without downtime.
 */
@Entity('target_app_secrets')
@Unique('uq_target_app_secrets_secret_hash', ['secretHash'])
@Index('idx_target_app_secrets_target_app_id', ['targetAppId'])
export class TargetAppSecret {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'target_app_id', type: 'integer' })
  targetAppId!: number;

  @Column({ name: 'secret_hash', type: 'char', length: 64 })
  secretHash!: string;

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'retired_at', type: Date, nullable: true })
  retiredAt!: Date | null;

  @ManyToOne('TargetApp', (app: TargetApp) => app.secrets, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'target_app_id', foreignKeyConstraintName: 'fk_target_app_secrets_target_app_id' })
  targetApp?: Relation<TargetApp>;
}
