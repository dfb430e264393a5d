import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import type { AccountMembership } from './account-membership.entity.js';

/** A person who signs in. In embedded mode a host maps this onto its own users table. */
@Entity('users')
@Unique('uq_users_email', ['email'])
@Unique('uq_users_external_identity', ['externalIssuer', 'externalSubject'])
export class User {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 255 })
  email!: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  name!: string | null;

  @CreateDateColumn({ name: 'created_at', type: Date })
  createdAt!: Date;

  /** Set when an operator disables the user: its tokens are disabled and no new ones accepted. */
  @Column({ name: 'disabled_at', type: Date, nullable: true })
  disabledAt!: Date | null;

  /** For users provisioned from an external issuer's JWT: its `iss`… */
  @Column({ name: 'external_issuer', type: 'varchar', length: 255, nullable: true })
  externalIssuer!: string | null;

  /** …and `sub`. */
  @Column({ name: 'external_subject', type: 'varchar', length: 255, nullable: true })
  externalSubject!: string | null;

  @OneToMany('AccountMembership', (membership: AccountMembership) => membership.user)
  memberships?: Relation<AccountMembership[]>;
}
