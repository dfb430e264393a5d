import type { SqlDialect } from '../dialect.js';
import type { AdoptableTable } from './design-document-tables.js';
import type { TableShape } from './table-shape.js';

const TIMESTAMP = 'timestamp without time zone';

const authSessionsBefore002: Record<SqlDialect, TableShape> = {
  postgres: {
    'column id': 'uuid NOT NULL',
    'column device_code_hash': 'character varying(64) NOT NULL',
    'column user_code': 'character varying(16) NOT NULL',
    'column status': "character varying(16) NOT NULL DEFAULT 'pending'",
    'column user_id': 'integer',
    'column user_agent': 'text',
    'column ip_address': 'inet',
    'column created_at': `${TIMESTAMP} NOT NULL DEFAULT CURRENT_TIMESTAMP`,
    'column approved_at': TIMESTAMP,
    'column expires_at': `${TIMESTAMP} NOT NULL`,
    'index auth_sessions_pkey': 'CREATE UNIQUE INDEX auth_sessions_pkey ON auth_sessions USING btree (id)',
    'index uq_auth_sessions_device_code_hash':
      'CREATE UNIQUE INDEX uq_auth_sessions_device_code_hash ON auth_sessions USING btree (device_code_hash)',
    'index uq_auth_sessions_user_code': 'CREATE UNIQUE INDEX uq_auth_sessions_user_code ON auth_sessions USING btree (user_code)',
    'index idx_auth_sessions_expires_at': 'CREATE INDEX idx_auth_sessions_expires_at ON auth_sessions USING btree (expires_at)',
    'index idx_auth_sessions_user_id': 'CREATE INDEX idx_auth_sessions_user_id ON auth_sessions USING btree (user_id)',
    'constraint chk_auth_sessions_status':
      "CHECK (((status)::text = ANY ((ARRAY['pending'::character varying, 'approved'::character varying, 'denied'::character varying, 'expired'::character varying])::text[])))",
    'constraint auth_sessions_pkey': 'PRIMARY KEY (id)',
    'constraint uq_auth_sessions_device_code_hash': 'UNIQUE (device_code_hash)',
    'constraint uq_auth_sessions_user_code': 'UNIQUE (user_code)',
    'constraint fk_auth_sessions_user_id': 'FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE',
  },
  mysql: {
    'column id': 'char(36) NOT NULL',
    'column device_code_hash': 'varchar(64) NOT NULL',
    'column user_code': 'varchar(16) NOT NULL',
    'column status': "varchar(16) NOT NULL DEFAULT 'pending'",
    'column user_id': 'int',
    'column user_agent': 'text',
    'column ip_address': 'varchar(45)',
    'column created_at': 'datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)',
    'column approved_at': 'datetime(6)',
    'column expires_at': 'datetime(6) NOT NULL',
    'constraint fk_auth_sessions_user_id': 'FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE ON UPDATE NO ACTION',
    'constraint chk_auth_sessions_status': "CHECK (status in ('pending','approved','denied','expired'))",
    'index PRIMARY': 'UNIQUE (id)',
    'index uq_auth_sessions_device_code_hash': 'UNIQUE (device_code_hash)',
    'index uq_auth_sessions_user_code': 'UNIQUE (user_code)',
    'index idx_auth_sessions_expires_at': 'INDEX (expires_at)',
    'index idx_auth_sessions_user_id': 'INDEX (user_id)',
  },
};

/** Design document 002: two columns, a partial (sparse) index on one and a plain index on the other. */
const exchangeToken002: Record<SqlDialect, TableShape> = {
  postgres: {
    'column exchange_token': 'character varying(64)',
    'column is_exchanged': 'boolean NOT NULL DEFAULT false',
    'index idx_auth_sessions_exchange_token':
      'CREATE INDEX idx_auth_sessions_exchange_token ON auth_sessions USING btree (exchange_token) WHERE (exchange_token IS NOT NULL)',
    'index idx_auth_sessions_is_exchanged': 'CREATE INDEX idx_auth_sessions_is_exchanged ON auth_sessions USING btree (is_exchanged)',
  },
  mysql: {
    'column exchange_token': 'varchar(64)',
    'column is_exchanged': 'tinyint(1) NOT NULL DEFAULT 0',
    'index idx_auth_sessions_exchange_token': 'INDEX (exchange_token)',
    'index idx_auth_sessions_is_exchanged': 'INDEX (is_exchanged)',
  },
};

/**
 * `auth_sessions` as SPEC §5 defines it (migration 1736380800000; the documents do not show it),
 * then with design document 002's exchange-token columns and indexes.
 */
export const authSessions: AdoptableTable = {
  table: 'auth_sessions',
  source: 'SPEC §5 and design document 002',
  stages: [
    {
      migrations: ['CreateAuthSessions1736380800000', 'AddAuthSessionExchangeToken1736467200000'],
      marker: 'column exchange_token',
      shape: {
        postgres: { ...authSessionsBefore002.postgres, ...exchangeToken002.postgres },
        mysql: { ...authSessionsBefore002.mysql, ...exchangeToken002.mysql },
      },
    },
    { migrations: ['CreateAuthSessions1736380800000'], shape: authSessionsBefore002 },
  ],
};
