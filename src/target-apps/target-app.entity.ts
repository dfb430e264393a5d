import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import type { TargetAppSecret } from './target-app-secret.entity.js';

/**
 * An application that receives handoffs (e.g. `hi-events`) and authenticates with a shared
 * secret; or a public OAuth client, which has none.
 */
@Entity('target_apps')
@Unique('uq_target_apps_name', ['name'])
export class TargetApp {
  @PrimaryGeneratedColumn()
  id!: number;

  /** Same length as `cross_app_sessions.target_app`, which stores this name. */
  @Column({ type: 'varchar', length: 50 })
  name!: string;

  /** Origins that `callback_url` may point to, as a JSON array of strings. */
  @Column({ name: 'allowed_origins', type: 'simple-json' })
  allowedOrigins!: string[];

  /** An OAuth client without a secret: it may use the device grant (RFC 8628) by name alone, and nothing else. */
  @Column({ name: 'public_client', type: Boolean, default: false })
  publicClient!: boolean;

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;

  @OneToMany('TargetAppSecret', (secret: TargetAppSecret) => secret.targetApp)
  secrets?: Relation<TargetAppSecret[]>;
}
