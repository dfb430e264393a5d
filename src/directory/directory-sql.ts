import type { SqlDialect } from '../database/dialect.js';
import type { ActiveUser } from './directory.schemas.js';
import { hostTables, quoteIdentifier } from '../database/host-tables.js';

/**
 * SQL fragments on the users, accounts and memberships tables in force (Handoff's own or the
 * host's), for the statements of other capabilities that must stay one statement on the hot path.
 * The directory owns these tables: nothing else names them.
 */
export class DirectorySql {
  private readonly q: (name: string) => string;

  constructor(dialect: SqlDialect) {
    this.q = (name) => quoteIdentifier(dialect, name);
  }

  private get tables() {
    return hostTables();
  }

  /** `LEFT JOIN` of the enabled user `alias` whose id is `userIdSql`. */
  activeUserJoin(alias: string, userIdSql: string): string {
    const { users } = this.tables;
    return `LEFT JOIN ${this.q(users.table)} ${alias} ON ${alias}.${this.q(users.id)} = ${userIdSql}${this.enabled(alias, ' AND ')}`;
  }

  /** `JOIN` of user `alias` (enabled or not) whose id is `userIdSql`, and its email column. */
  userJoin(alias: string, userIdSql: string): { join: string; email: string } {
    const { users } = this.tables;
    return {
      join: `JOIN ${this.q(users.table)} ${alias} ON ${alias}.${this.q(users.id)} = ${userIdSql}`,
      email: `${alias}.${this.q(users.email)}`,
    };
  }

  /** `LEFT JOIN` of membership `alias` of user `userIdSql` in account `accountIdSql`. */
  membershipJoin(alias: string, userIdSql: string, accountIdSql: string): string {
    const { memberships } = this.tables;
    return `LEFT JOIN ${this.q(memberships.table)} ${alias}
      ON ${alias}.${this.q(memberships.userId)} = ${userIdSql} AND ${alias}.${this.q(memberships.accountId)} = ${accountIdSql}`;
  }

  /** `<alias>.email AS email, <alias>.name AS name` of a users row (NULL name if the host has none). */
  userColumns(alias: string): string {
    const { users } = this.tables;
    const name = users.name ? `${alias}.${this.q(users.name)}` : 'NULL';
    return `${alias}.${this.q(users.email)} AS email, ${name} AS name`;
  }

  /**
   * `LEFT JOIN` of the enabled user `u` whose id is `userIdSql`, with the columns an authenticated
   * caller needs (NULL when the user is disabled or gone): for another table's one-statement hot
   * path, which must not cost a second round trip to read the user. Read back with activeUserFrom.
   */
  activeUserWith(userIdSql: string): { columns: string; join: string } {
    const { users } = this.tables;
    const name = users.name ? `u.${this.q(users.name)}` : 'NULL';
    return {
      columns: `u.${this.q(users.id)} AS active_user_id, u.${this.q(users.email)} AS active_user_email, ${name} AS active_user_name`,
      join: this.activeUserJoin('u', userIdSql),
    };
  }

  /**
   * A condition true if user `userIdSql` is a member of account `accountIdSql` with a role (a
   * host's table may hold a membership without one, e.g. a pending invitation, or several rows).
   */
  hasRoleIn(userIdSql: string, accountIdSql: string): string {
    const { memberships } = this.tables;
    const role = `m.${this.q(memberships.role)}`;
    return `EXISTS (SELECT 1 FROM ${this.q(memberships.table)} m
      WHERE m.${this.q(memberships.userId)} = ${userIdSql} AND m.${this.q(memberships.accountId)} = ${accountIdSql}
        AND ${role} IS NOT NULL AND ${role} <> '')`;
  }

  /** `<alias>.role AS role` of a membership row. */
  roleColumn(alias: string): string {
    return `${alias}.${this.q(this.tables.memberships.role)} AS role`;
  }

  /** A condition true if the user `userIdSql` exists and is enabled. */
  activeUserExists(userIdSql: string): string {
    const { users } = this.tables;
    return `EXISTS (SELECT 1 FROM ${this.q(users.table)} u WHERE u.${this.q(users.id)} = ${userIdSql}${this.enabled('u', ' AND ')})`;
  }

  /** `SELECT id, email, name FROM users u WHERE <condition>` for an enabled user. */
  selectActiveUser(condition: (column: (key: 'id' | 'email') => string) => string): string {
    const { users } = this.tables;
    const column = (key: 'id' | 'email') => `u.${this.q(users[key])}`;
    return `SELECT u.${this.q(users.id)} AS id, ${this.userColumns('u')}
      FROM ${this.q(users.table)} u WHERE ${condition(column)}${this.enabled('u', ' AND ')}`;
  }

  /** The user's accounts with their role: id, name, slug, role. */
  accountsOfUser(userIdSql: string): string {
    const { accounts, memberships } = this.tables;
    const a = (key: 'id' | 'name' | 'slug') => `a.${this.q(accounts[key])}`;
    return `SELECT ${a('id')} AS account_id, ${a('name')} AS account_name, ${a('slug')} AS account_slug, ${this.roleColumn('m')}
      FROM ${this.q(memberships.table)} m
      JOIN ${this.q(accounts.table)} a ON ${a('id')} = m.${this.q(memberships.accountId)}
      WHERE m.${this.q(memberships.userId)} = ${userIdSql}
      ORDER BY ${a('id')}`;
  }

  private enabled(alias: string, prefix: string): string {
    const { disabledAt } = this.tables.users;
    return disabledAt ? `${prefix}${alias}.${this.q(disabledAt)} IS NULL` : '';
  }
}

/** What DirectorySql.activeUserWith's columns read. */
export interface ActiveUserColumns {
  active_user_id: number | null;
  active_user_email: string | null;
  active_user_name: string | null;
}

export function activeUserFrom(row: ActiveUserColumns): ActiveUser | null {
  return row.active_user_id === null ? null : { id: Number(row.active_user_id), email: row.active_user_email!, name: row.active_user_name };
}
