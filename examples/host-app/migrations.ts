import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

/** The host's own tables, before Handoff's: Handoff's foreign keys reference them. */
export class CreateHostTables1600000000000 implements MigrationInterface {
  name = 'CreateHostTables1600000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const id = (name: string) => ({ name, type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' as const });
    await queryRunner.createTable(
      new Table({
        name: 'members',
        columns: [
          id('member_id'),
          { name: 'mail', type: 'varchar', length: '255' },
          { name: 'display_name', type: 'varchar', length: '255' },
          { name: 'password_hash', type: 'varchar', length: '255' },
        ],
        uniques: [{ name: 'uq_members_mail', columnNames: ['mail'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'organizations',
        columns: [id('org_id'), { name: 'title', type: 'varchar', length: '255' }, { name: 'handle', type: 'varchar', length: '100' }],
        uniques: [{ name: 'uq_organizations_handle', columnNames: ['handle'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'organization_members',
        columns: [
          { name: 'org_id', type: 'integer', isPrimary: true },
          { name: 'member_id', type: 'integer', isPrimary: true },
          { name: 'member_role', type: 'varchar', length: '50' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['organization_members', 'organizations', 'members']) await queryRunner.dropTable(table);
  }
}
