import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import type { Account } from './account.entity.js';
import type { User } from './user.entity.js';

/** A user's role in an account; the role maps to permissions through configuration. */
@Entity('account_members')
@Index('idx_account_members_user_id', ['userId'])
export class AccountMembership {
  @PrimaryColumn({ name: 'account_id', type: 'integer' })
  accountId!: number;

  @PrimaryColumn({ name: 'user_id', type: 'integer' })
  userId!: number;

  @Column({ type: 'varchar', length: 50 })
  role!: string;

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;

  @ManyToOne('Account', (account: Account) => account.memberships, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id', foreignKeyConstraintName: 'fk_account_members_account_id' })
  account?: Relation<Account>;

  @ManyToOne('User', (user: User) => user.memberships, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_account_members_user_id' })
  user?: Relation<User>;
}
