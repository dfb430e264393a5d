import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** The host's own users: another table name and other column names than Handoff's. */
@Entity('members')
@Unique('uq_members_mail', ['mail'])
export class Member {
  @PrimaryGeneratedColumn({ name: 'member_id' })
  memberId!: number;

  @Column({ name: 'mail', type: 'varchar', length: 255 })
  mail!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 255 })
  displayName!: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash!: string;
}

@Entity('organizations')
@Unique('uq_organizations_handle', ['handle'])
export class Organization {
  @PrimaryGeneratedColumn({ name: 'org_id' })
  orgId!: number;

  @Column({ type: 'varchar', length: 255 })
  title!: string;

  @Column({ type: 'varchar', length: 100 })
  handle!: string;
}

@Entity('organization_members')
export class OrganizationMember {
  @PrimaryColumn({ name: 'org_id', type: 'integer' })
  orgId!: number;

  @PrimaryColumn({ name: 'member_id', type: 'integer' })
  memberId!: number;

  @Column({ name: 'member_role', type: 'varchar', length: 50 })
  memberRole!: string;
}

/** How Handoff finds the host's users, accounts and memberships (HandoffModule's `directory`). */
export const HOST_DIRECTORY = {
  users: { table: 'members', id: 'member_id', email: 'mail', name: 'display_name', disabledAt: null },
  accounts: { table: 'organizations', id: 'org_id', name: 'title', slug: 'handle' },
  memberships: { table: 'organization_members', userId: 'member_id', accountId: 'org_id', role: 'member_role' },
} as const;
