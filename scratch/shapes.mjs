import 'reflect-metadata';
import { createTestDatabase } from '../dist/test/support/test-databases.js';
import { openDataSource } from '../dist/test/support/handoff.js';
import { revertMigrations } from '../dist/src/database/migration-runner.js';
import { migrations } from '../dist/src/database/migrations/index.js';
import { tableShape } from '../dist/src/database/adoption/table-shape.js';
for (const kind of process.argv.slice(2)) {
  const db = await createTestDatabase(kind);
  const ds = await openDataSource(db, { migrate: true });
  try {
    const names = migrations.map((m) => m.name);
    await revertMigrations(ds, names.length - names.indexOf('AddAuthSessionExchangeToken1736467200000') - 1);
    const qr = ds.createQueryRunner();
    for (const t of ['users', 'accounts', 'cross_app_sessions', 'auth_user_tokens', 'auth_sessions']) {
      console.log(`== ${kind} ${t}`);
      console.log(JSON.stringify(await tableShape(qr, t), null, 1));
    }
    await qr.release();
  } finally { await ds.destroy(); await db.drop(); }
}
