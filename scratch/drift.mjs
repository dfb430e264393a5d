import 'reflect-metadata';
import { createTestDatabase } from '../dist/test/support/test-databases.js';
import { openDataSource } from '../dist/test/support/handoff.js';
for (const kind of process.argv.slice(2)) {
  const db = await createTestDatabase(kind);
  const ds = await openDataSource(db, { migrate: true });
  try {
    const log = await ds.driver.createSchemaBuilder().log();
    console.log(`=== ${kind}: ${log.upQueries.length}`);
    for (const q of log.upQueries) console.log(q.query);
  } finally { await ds.destroy(); await db.drop(); }
}
