import type { SqlDialect } from '../dialect.js';
import { authSessions } from './auth-sessions-adoption.js';
import type { TableShape } from './table-shape.js';

/**
 * The tables that the design documents (or, for users, accounts and auth_sessions, which the
 * documents reference but do not define, SPEC §2 and §5) create, as `tableShape()` reads them back
 * once the documents' SQL ran — and the Handoff migrations that create the same thing, with the
 * documents' own names. A table that exists with one of these shapes, while those migrations are
 * not recorded, was made by hand from the documents: adoption records them instead of running them.
 *
 * PostgreSQL shapes are 001's SQL as written. MariaDB / MySQL shapes are the translations that
 * migration 1642700000000's comment lists (SERIAL → INT AUTO_INCREMENT, TIMESTAMP → DATETIME(6),
 * INET → VARCHAR(45), the partial index plain) and ticket MET-14854's DDL as written; PostgreSQL's
 * auth_user_tokens is that DDL in migration 1708996044000's PostgreSQL spelling.
 */
export interface AdoptionStage {
  /** The migrations that, together, produce `shape`; oldest first. */
  readonly migrations: readonly string[];
  /** A part only this stage has: the stage applies when the table has it. */
  readonly marker?: string;
  readonly shape: Record<SqlDialect, TableShape>;
  /**
   * Parts the documents cannot express on a dialect, which adoption adds when they are missing
   * (and compares when they are there): part → the statements that create it.
   */
  readonly completions?: Partial<Record<SqlDialect, Record<string, readonly string[]>>>;
  /**
   * Spellings with the same meaning that adoption rewrites into Handoff's: part → the definition
   * found and the statements that rewrite it.
   */
  readonly repairs?: Partial<Record<SqlDialect, Record<string, { readonly found: string; readonly statements: readonly string[] }>>>;
  /** Other names a part gets when the documents' DDL runs as written: alias → Handoff's name. */
  readonly aliases?: Partial<Record<SqlDialect, Record<string, string>>>;
}

export interface AdoptableTable {
  readonly table: string;
  readonly source: string;
  /** Latest stage first. */
  readonly stages: readonly AdoptionStage[];
}

const TIMESTAMP = 'timestamp without time zone';

const users: AdoptableTable = {
  table: 'users',
  source: 'the users table the design documents reference (Handoff standalone)',
  stages: [
    {
      migrations: ['CreateUsers1642600000000'],
      shape: {
        postgres: {
          'column id': 'integer NOT NULL DEFAULT serial',
          'column email': 'character varying(255) NOT NULL',
          'column name': 'character varying(255)',
          'column created_at': `${TIMESTAMP} NOT NULL DEFAULT CURRENT_TIMESTAMP`,
          'index users_pkey': 'CREATE UNIQUE INDEX users_pkey ON users USING btree (id)',
          'index uq_users_email': 'CREATE UNIQUE INDEX uq_users_email ON users USING btree (email)',
          'constraint users_pkey': 'PRIMARY KEY (id)',
          'constraint uq_users_email': 'UNIQUE (email)',
        },
        mysql: {
          'column id': 'int NOT NULL DEFAULT serial',
          'column email': 'varchar(255) NOT NULL',
          'column name': 'varchar(255)',
          'column created_at': 'datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)',
          'index PRIMARY': 'UNIQUE (id)',
          'index uq_users_email': 'UNIQUE (email)',
        },
      },
    },
  ],
};

const accounts: AdoptableTable = {
  table: 'accounts',
  source: 'the accounts table the design documents reference (Handoff standalone)',
  stages: [
    {
      migrations: ['CreateAccounts1642600001000'],
      shape: {
        postgres: {
          'column id': 'integer NOT NULL DEFAULT serial',
          'column name': 'character varying(255) NOT NULL',
          'column slug': 'character varying(100) NOT NULL',
          'column created_at': `${TIMESTAMP} NOT NULL DEFAULT CURRENT_TIMESTAMP`,
          'index accounts_pkey': 'CREATE UNIQUE INDEX accounts_pkey ON accounts USING btree (id)',
          'index uq_accounts_slug': 'CREATE UNIQUE INDEX uq_accounts_slug ON accounts USING btree (slug)',
          'constraint accounts_pkey': 'PRIMARY KEY (id)',
          'constraint uq_accounts_slug': 'UNIQUE (slug)',
        },
        mysql: {
          'column id': 'int NOT NULL DEFAULT serial',
          'column name': 'varchar(255) NOT NULL',
          'column slug': 'varchar(100) NOT NULL',
          'column created_at': 'datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)',
          'index PRIMARY': 'UNIQUE (id)',
          'index uq_accounts_slug': 'UNIQUE (slug)',
        },
      },
    },
  ],
};

function restrictToNoAction(name: string, column: string, parent: string): { found: string; statements: string[] } {
  return {
    found: `FOREIGN KEY (${column}) REFERENCES ${parent}(id) ON DELETE CASCADE ON UPDATE RESTRICT`,
    statements: [
      `ALTER TABLE cross_app_sessions DROP FOREIGN KEY ${name}`,
      `ALTER TABLE cross_app_sessions ADD CONSTRAINT ${name}
        FOREIGN KEY (${column}) REFERENCES ${parent}(id) ON DELETE CASCADE ON UPDATE NO ACTION`,
    ],
  };
}

const crossAppIndex = (name: string, columns: string, where = ''): [string, string] => [
  `index ${name}`,
  `CREATE INDEX ${name} ON cross_app_sessions USING btree (${columns})${where}`,
];

const crossAppSessions: AdoptableTable = {
  table: 'cross_app_sessions',
  source: 'design document 001',
  stages: [
    {
      migrations: ['CreateCrossAppSessions1642700000000'],
      shape: {
        postgres: {
          'column id': 'integer NOT NULL DEFAULT serial',
          'column token_hash': 'character varying(255) NOT NULL',
          'column user_id': 'integer NOT NULL',
          'column account_id': 'integer',
          'column expires_at': `${TIMESTAMP} NOT NULL`,
          'column created_at': `${TIMESTAMP} DEFAULT CURRENT_TIMESTAMP`,
          'column used_at': TIMESTAMP,
          'column revoked_at': TIMESTAMP,
          'column source_app': "character varying(50) DEFAULT 'tuvens'",
          'column target_app': "character varying(50) DEFAULT 'hi-events'",
          'column user_agent': 'text',
          'column ip_address': 'inet',
          'index cross_app_sessions_pkey': 'CREATE UNIQUE INDEX cross_app_sessions_pkey ON cross_app_sessions USING btree (id)',
          'index cross_app_sessions_token_hash_key':
            'CREATE UNIQUE INDEX cross_app_sessions_token_hash_key ON cross_app_sessions USING btree (token_hash)',
          ...Object.fromEntries([
            crossAppIndex('idx_cross_app_sessions_token_hash', 'token_hash'),
            crossAppIndex('idx_cross_app_sessions_expires_at', 'expires_at'),
            crossAppIndex('idx_cross_app_sessions_user_id', 'user_id'),
            crossAppIndex('idx_cross_app_sessions_created_at', 'created_at'),
            crossAppIndex('idx_cross_app_sessions_cleanup', 'expires_at, revoked_at', ' WHERE (revoked_at IS NULL)'),
          ]),
          'constraint cross_app_sessions_pkey': 'PRIMARY KEY (id)',
          'constraint cross_app_sessions_token_hash_key': 'UNIQUE (token_hash)',
          'constraint fk_cross_app_sessions_user_id': 'FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE',
          'constraint fk_cross_app_sessions_account_id':
            'FOREIGN KEY (account_id) REFERENCES accounts(id) ON DELETE CASCADE',
        },
        mysql: {
          'column id': 'int NOT NULL DEFAULT serial',
          'column token_hash': 'varchar(255) NOT NULL',
          'column user_id': 'int NOT NULL',
          'column account_id': 'int',
          'column expires_at': 'datetime(6) NOT NULL',
          'column created_at': 'datetime(6) DEFAULT CURRENT_TIMESTAMP(6)',
          'column used_at': 'datetime(6)',
          'column revoked_at': 'datetime(6)',
          'column source_app': "varchar(50) DEFAULT 'tuvens'",
          'column target_app': "varchar(50) DEFAULT 'hi-events'",
          'column user_agent': 'text',
          'column ip_address': 'varchar(45)',
          'constraint fk_cross_app_sessions_account_id':
            'FOREIGN KEY (account_id) REFERENCES accounts(id) ON DELETE CASCADE ON UPDATE NO ACTION',
          'constraint fk_cross_app_sessions_user_id': 'FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE ON UPDATE NO ACTION',
          'index PRIMARY': 'UNIQUE (id)',
          'index cross_app_sessions_token_hash_key': 'UNIQUE (token_hash)',
          'index idx_cross_app_sessions_token_hash': 'INDEX (token_hash)',
          'index idx_cross_app_sessions_expires_at': 'INDEX (expires_at)',
          'index idx_cross_app_sessions_user_id': 'INDEX (user_id)',
          'index idx_cross_app_sessions_created_at': 'INDEX (created_at)',
          'index idx_cross_app_sessions_cleanup': 'INDEX (expires_at,revoked_at)',
        },
      },
      // MariaDB names an inline `UNIQUE` after its column; Handoff uses PostgreSQL's name.
      aliases: { mysql: { 'index token_hash': 'index cross_app_sessions_token_hash_key' } },
      // A foreign key without ON UPDATE reads back as RESTRICT, InnoDB's synonym of NO ACTION
      // (PostgreSQL's default, which migration 1642700000000 spells out).
      repairs: {
        mysql: {
          'constraint fk_cross_app_sessions_user_id': restrictToNoAction('fk_cross_app_sessions_user_id', 'user_id', 'users'),
          'constraint fk_cross_app_sessions_account_id': restrictToNoAction(
            'fk_cross_app_sessions_account_id',
            'account_id',
            'accounts',
          ),
        },
      },
    },
  ],
};

const TOUCH_FUNCTION = `CREATE FUNCTION auth_user_tokens_touch_updated_at() RETURNS trigger
  LANGUAGE plpgsql AS $$
  BEGIN
    -- As MySQL: only when the row really changes and the UPDATE did not set updated_at.
    IF NEW IS DISTINCT FROM OLD AND NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
      NEW.updated_at := CURRENT_TIMESTAMP;
    END IF;
    RETURN NEW;
  END
  $$`;

const authUserTokens: AdoptableTable = {
  table: 'auth_user_tokens',
  source: 'design document 003 (ticket MET-14854)',
  stages: [
    {
      migrations: ['CreateAuthUserTokens1708996044000'],
      shape: {
        postgres: {
          'column id': 'integer NOT NULL DEFAULT serial',
          'column user_id': 'integer NOT NULL COMMENT "the user id(hybrid.auth_user.id)"',
          'column disabled': 'boolean DEFAULT false COMMENT "the token is available or not."',
          'column access_token': 'character varying(512) NOT NULL COMMENT "the jwt access token belong to the user id"',
          'column created_at': 'timestamp(0) without time zone NOT NULL DEFAULT CURRENT_TIMESTAMP',
          'column updated_at': 'timestamp(0) without time zone NOT NULL DEFAULT CURRENT_TIMESTAMP',
          'index auth_user_tokens_pkey': 'CREATE UNIQUE INDEX auth_user_tokens_pkey ON auth_user_tokens USING btree (id)',
          'constraint auth_user_tokens_user_id_check': 'CHECK ((user_id >= 0))',
          'constraint auth_user_tokens_pkey': 'PRIMARY KEY (id)',
          'trigger trg_auth_user_tokens_updated_at':
            'CREATE TRIGGER trg_auth_user_tokens_updated_at BEFORE UPDATE ON auth_user_tokens FOR EACH ROW EXECUTE FUNCTION auth_user_tokens_touch_updated_at()',
        },
        mysql: {
          'column id': 'int unsigned NOT NULL DEFAULT serial',
          'column user_id': 'int unsigned NOT NULL COMMENT "the user id(hybrid.auth_user.id)"',
          'column disabled': 'tinyint(1) DEFAULT 0 COMMENT "the token is available or not."',
          'column access_token': 'varchar(512) NOT NULL COMMENT "the jwt access token belong to the user id"',
          'column created_at': 'datetime NOT NULL DEFAULT CURRENT_TIMESTAMP',
          'column updated_at': 'datetime NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP',
          'index PRIMARY': 'UNIQUE (id)',
        },
      },
      // MySQL's ON UPDATE CURRENT_TIMESTAMP has no PostgreSQL spelling in a table definition.
      completions: {
        postgres: {
          'trigger trg_auth_user_tokens_updated_at': [
            TOUCH_FUNCTION.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION'),
            `CREATE TRIGGER trg_auth_user_tokens_updated_at BEFORE UPDATE ON auth_user_tokens
              FOR EACH ROW EXECUTE FUNCTION auth_user_tokens_touch_updated_at()`,
          ],
        },
      },
    },
  ],
};

/** In foreign-key order, as the migrations create them. */
export const ADOPTABLE_TABLES: readonly AdoptableTable[] = [users, accounts, crossAppSessions, authUserTokens, authSessions];
