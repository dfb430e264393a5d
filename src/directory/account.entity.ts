import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import type { AccountMembership } from './account-membership.entity.js';

/** A tenant (organisation) that users belong to with a role. */
@Entity('accounts')
@Unique('uq_accounts_slug', ['slug'])
export class Account {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ type: 'varchar', length: 100 })
  slug!: string;

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;

  @OneToMany('AccountMembership', (membership: AccountMembership) => membership.account)
  memberships?: Relation<AccountMembership[]>;
}
