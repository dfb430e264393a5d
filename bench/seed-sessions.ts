import mysql from 'mysql2/promise';
import pg from 'pg';
import type { Client } from './handoff-scenarios.js';
import { LIVE_EVERY } from './hot-path.js';

const CHUNK = 100_000;

/**
 * `count` sessions straight into the database, spread over 14 days: every second one live (its
 * token `bench-<i>` known to the bench, see LiveTokens), the others expired 2 h to 14 days ago, a
 * third of them used and a seventh revoked. Client, day, used and revoked go by `k = i / 2`, so
 * that each kind of session is spread over every client and day. generate_series on PostgreSQL,
 * MariaDB's sequence engine there: a million rows in seconds, not a million round trips.
 */
export async function seedSessions(databaseUrl: string, clients: readonly Client[], count: number): Promise<void> {
  if (databaseUrl.startsWith('postgres')) {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
    try {
      await seedPostgres(pool, clients, count);
    } finally {
      await pool.end();
    }
    return;
  }
  const connection = await mysql.createConnection({ uri: databaseUrl.replace(/^mariadb:/, 'mysql:'), timezone: 'Z' });
  try {
    await seedMariadb(connection, clients, count);
  } finally {
    await connection.end();
  }
}

/**
 * PostgreSQL: the secondary indexes are dropped for the load and built again after it, from
 * their own definitions (a sorted build is several times faster than a million B-tree inserts);
 * the schema measured afterwards is the migrations' own.
 */
async function seedPostgres(pool: pg.Pool, clients: readonly Client[], count: number): Promise<void> {
  const { rows: indexes } = await pool.query<{ name: string; definition: string }>(
    `SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
     WHERE i.tablename = 'cross_app_sessions' AND i.schemaname = current_schema()
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
  );
  for (const index of indexes) await pool.query(`DROP INDEX ${index.name}`);
  // The rows reference existing users by construction: no foreign-key trigger per row.
  await pool.query("SET synchronous_commit = off; SET maintenance_work_mem = '256MB'; SET session_replication_role = replica");
  for (let first = 1; first <= count; first += CHUNK) {
    const last = Math.min(count, first + CHUNK - 1);
    await pool.query(
      `INSERT INTO cross_app_sessions (token_hash, user_id, created_at, expires_at, used_at, revoked_at, target_app, user_agent, ip_address)
       SELECT CASE WHEN live THEN encode(sha256(convert_to(encode(sha256(convert_to('bench-' || i, 'UTF8')), 'hex'), 'UTF8')), 'hex')
                   ELSE md5(i::text) || md5('dead-' || i) END,
              ($3::int[])[1 + k % $5], created, created + INTERVAL '15 minutes' + CASE WHEN live THEN INTERVAL '3 hours' ELSE INTERVAL '0' END,
              CASE WHEN NOT live AND k % 3 = 0 THEN created + INTERVAL '1 minute' END,
              CASE WHEN NOT live AND k % 7 = 1 THEN created + INTERVAL '2 minutes' END,
              ($4::text[])[1 + k % $5], 'bench', '127.0.0.1'
       FROM (SELECT i, i / ${LIVE_EVERY} AS k, i % ${LIVE_EVERY} = 0 AS live,
                    CASE WHEN i % ${LIVE_EVERY} = 0 THEN statement_timestamp() - (i % 3600) * INTERVAL '1 second'
                         ELSE statement_timestamp() - INTERVAL '2 hours' - (i / ${LIVE_EVERY} % 14) * INTERVAL '1 day' - (i % 600) * INTERVAL '1 minute' END AS created
             FROM generate_series($1::int, $2::int) AS i) s`,
      [first, last, clients.map((client) => client.userId), clients.map((client) => client.app), clients.length],
    );
    process.stderr.write(`  seeded ${last.toLocaleString('en')} sessions\n`);
  }
  await pool.query('SET session_replication_role = DEFAULT');
  for (const index of indexes) await pool.query(index.definition);
  // As autovacuum would soon: measured on a settled table, not during its first vacuum.
  await pool.query('VACUUM ANALYZE cross_app_sessions');
}

async function seedMariadb(connection: mysql.Connection, clients: readonly Client[], count: number): Promise<void> {
  // The rows are consistent by construction: no foreign-key or uniqueness check per row.
  await connection.query('SET foreign_key_checks = 0, unique_checks = 0');
  const owners = clients.map((client, index) => `SELECT ${index} AS k, ${Number(client.userId)} AS user_id, ${connection.escape(client.app)} AS app`).join(' UNION ALL ');
  for (let first = 1; first <= count; first += CHUNK) {
    const last = Math.min(count, first + CHUNK - 1);
    await connection.query(
      `INSERT INTO cross_app_sessions (token_hash, user_id, created_at, expires_at, used_at, revoked_at, target_app, user_agent, ip_address)
       SELECT CASE WHEN live THEN SHA2(SHA2(CONCAT('bench-', i), 256), 256) ELSE CONCAT(MD5(i), MD5(CONCAT('dead-', i))) END,
              c.user_id, created, created + INTERVAL 15 MINUTE + INTERVAL (CASE WHEN live THEN 3 ELSE 0 END) HOUR,
              CASE WHEN NOT live AND s.k % 3 = 0 THEN created + INTERVAL 1 MINUTE END,
              CASE WHEN NOT live AND s.k % 7 = 1 THEN created + INTERVAL 2 MINUTE END,
              c.app, 'bench', '127.0.0.1'
       FROM (SELECT seq AS i, seq DIV ${LIVE_EVERY} AS k, seq % ${LIVE_EVERY} = 0 AS live,
                    CASE WHEN seq % ${LIVE_EVERY} = 0 THEN UTC_TIMESTAMP(6) - INTERVAL (seq % 3600) SECOND
                         ELSE UTC_TIMESTAMP(6) - INTERVAL 2 HOUR - INTERVAL (seq DIV ${LIVE_EVERY} % 14) DAY - INTERVAL (seq % 600) MINUTE END AS created
             FROM seq_${first}_to_${last}) s
       JOIN (${owners}) c ON c.k = s.k % ${clients.length}`,
    );
    process.stderr.write(`  seeded ${last.toLocaleString('en')} sessions\n`);
  }
  await connection.query('ANALYZE TABLE cross_app_sessions');
}
