import { CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { hostRelationTarget } from '../database/host-tables.js';

/** A resource (an event, a venue…) of an account, for permission checks with `resource_id`. */
@Entity('account_resources')
export class AccountResource {
  @PrimaryColumn({ name: 'account_id', type: 'integer' })
  accountId!: number;

  @PrimaryColumn({ name: 'resource_id', type: 'varchar', length: 100 })
  resourceId!: string;

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;

  @ManyToOne(hostRelationTarget('accounts'), { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id', foreignKeyConstraintName: 'fk_account_resources_account_id' })
  account?: Relation<object>;
}
