import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import type { CrossAppSession } from '../cross-app/cross-app-session.entity.js';
import type { AccountMembership } from './account-membership.entity.js';

/** A person who signs in. In embedded mode a host maps this onto its own users table. */
@Entity('users')
@Unique('uq_users_email', ['email'])
export class User {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 255 })
  email!: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  name!: string | null;

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;

  @OneToMany('AccountMembership', (membership: AccountMembership) => membership.user)
  memberships?: Relation<AccountMembership[]>;

  @OneToMany('CrossAppSession', (session: CrossAppSession) => session.user)
  crossAppSessions?: Relation<CrossAppSession[]>;
}
