import 'reflect-metadata';
import { createTestDatabase } from '../dist/test/support/test-databases.js';
import { openDataSource } from '../dist/test/support/handoff.js';
import { migrateUp } from '../dist/src/database/migration-runner.js';
import { withDatabaseLock } from '../dist/src/database/database-lock.js';
for (const kind of process.argv.slice(2)) {
  const db = await createTestDatabase(kind);
  const ds = await openDataSource(db, { migrate: true });
  let queries = 0; const orig = ds.driver.createQueryRunner.bind(ds.driver);
  try {
    const plain = async () => withDatabaseLock(ds, 'migrations', () => ds.runMigrations({ transaction: 'each' }));
    const t = { plain: 0, adopt: 0 };
    for (let i = 0; i < 30; i++) {
      let s = performance.now(); await plain(); t.plain += performance.now() - s;
      s = performance.now(); await migrateUp(ds); t.adopt += performance.now() - s;
    }
    console.log(kind, 'up-to-date migrate up, mean ms: without adoption', (t.plain/30).toFixed(1), 'with', (t.adopt/30).toFixed(1), 'ratio', (t.adopt/t.plain).toFixed(2));
  } finally { await ds.destroy(); await db.drop(); }
}
