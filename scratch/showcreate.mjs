import 'reflect-metadata';
import { createTestDatabase } from '../dist/test/support/test-databases.js';
import { openDataSource } from '../dist/test/support/handoff.js';
const db = await createTestDatabase('mariadb');
const ds = await openDataSource(db, { migrate: true });
try {
  const rows = await ds.query("SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, COLLATION_NAME, COLUMN_COMMENT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA=DATABASE() AND COLLATION_NAME IS NOT NULL ORDER BY TABLE_NAME, ORDINAL_POSITION");
  for (const r of rows) console.log(Object.values(r).join(' | '));
} finally { await ds.destroy(); await db.drop(); }
