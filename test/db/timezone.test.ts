import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { randomToken, sha256Hex } from '../../src/common/crypto.js';
import { CrossAppSession } from '../../src/cross-app/cross-app-session.entity.js';
import { CrossAppSessionRepository } from '../../src/cross-app/cross-app-session.repository.js';
import type { HandoffDataSource } from '../../src/database/data-source.js';
import { UserRepository } from '../../src/directory/user.repository.js';
import { openDataSource } from '../support/handoff.js';
import { describeEachDatabase } from '../support/test-databases.js';

// The application's own zone is not UTC either: Date values must cross the driver as UTC.
process.env.TZ = 'America/Los_Angeles';

/** Far from UTC in the other direction from the process zone, so that any mix-up shows. */
const POSTGRES_ZONE = 'Pacific/Kiritimati'; // UTC+14
const MARIADB_ZONE = '-10:00';

describeEachDatabase('time is UTC whatever the database zone', (database, kind) => {
  let dataSource: HandoffDataSource;
  let previousMariadbZone: string | undefined;
  let userId: number;

  before(async () => {
    const db = database();
    if (kind === 'postgres') {
      await db.admin(`ALTER DATABASE ${db.name} SET timezone TO '${POSTGRES_ZONE}'`);
    } else if (kind === 'mariadb') {
      // Global, so that new connections start in it; restored afterwards.
      const [row] = await db.admin('SELECT @@GLOBAL.time_zone AS zone');
      previousMariadbZone = String(row?.zone);
      await db.admin(`SET GLOBAL time_zone = '${MARIADB_ZONE}'`);
    } else {
      // PGlite reads its configuration file at start, as a server does.
      const embedded = await openDataSource(db);
      await embedded.query(`ALTER SYSTEM SET timezone = '${POSTGRES_ZONE}'`);
      await embedded.destroy();
    }
    dataSource = await openDataSource(db, { migrate: true });
    userId = (await new UserRepository(dataSource).findOrCreate('tz@example.com', 'Zone')).id;
  });

  after(async () => {
    try {
      if (previousMariadbZone !== undefined) {
        await database().admin('SET GLOBAL time_zone = ?', [previousMariadbZone]);
      }
    } finally {
      await dataSource?.destroy();
    }
  });

  test('the database default zone is not UTC, yet every Handoff connection works in UTC', async () => {
    if (kind === 'postgres') {
      const [row] = await database().admin("SELECT current_setting('TimeZone') AS zone");
      assert.equal(row?.zone, POSTGRES_ZONE);
    } else if (kind === 'mariadb') {
      const [row] = await database().admin('SELECT @@SESSION.time_zone AS zone');
      assert.equal(row?.zone, MARIADB_ZONE);
    } else {
      // The zone a session starts in, before Handoff sets its own.
      const [row] = await dataSource.query("SELECT reset_val AS zone FROM pg_settings WHERE name = 'TimeZone'");
      assert.equal(row?.zone, POSTGRES_ZONE);
    }
    const [session] = await dataSource.query(
      kind === 'mariadb' ? 'SELECT @@SESSION.time_zone AS zone' : "SELECT current_setting('TimeZone') AS zone",
    );
    assert.equal(session.zone, kind === 'mariadb' ? '+00:00' : 'UTC');
  });

  test('expiry computed by the database: 15 minutes ahead is active, a minute ago is not', async () => {
    const sessions = new CrossAppSessionRepository(dataSource);
    const liveHash = sha256Hex(randomToken());
    const expiredHash = sha256Hex(randomToken());
    const common = { userId, sourceApp: 'tz', targetApp: 'hi-events' };
    await sessions.insert({ ...common, tokenHash: liveHash, ttlSeconds: 15 * 60 });
    await sessions.insert({ ...common, tokenHash: expiredHash, ttlSeconds: -60 });

    const live = await sessions.findActiveByTokenHash(liveHash);
    assert.ok(live, 'the live session is found active');
    assert.equal(live.isActive, true);
    const minutesLeft = (live.expiresAt.getTime() - Date.now()) / 60_000;
    assert.ok(minutesLeft > 14 && minutesLeft <= 15.1, `expires in ${minutesLeft} minutes`);

    assert.equal(await sessions.findActiveByTokenHash(expiredHash), null);
    const expired = await dataSource.getRepository(CrossAppSession).findOneByOrFail({ tokenHash: expiredHash });
    assert.equal(expired.isExpired, true);
    assert.equal(expired.isActive, false);
  });

  test('expiry written as a Date by the application: same answers, and it reads back unchanged', async () => {
    const sessions = new CrossAppSessionRepository(dataSource);
    const repository = dataSource.getRepository(CrossAppSession);
    const liveAt = new Date(Date.now() + 15 * 60_000);
    const expiredAt = new Date(Date.now() - 60_000);
    const liveHash = sha256Hex(randomToken());
    const expiredHash = sha256Hex(randomToken());
    await repository.insert({ tokenHash: liveHash, userId, sourceApp: 'tz', expiresAt: liveAt });
    await repository.insert({ tokenHash: expiredHash, userId, sourceApp: 'tz', expiresAt: expiredAt });

    const live = await sessions.findActiveByTokenHash(liveHash);
    assert.ok(live);
    assert.equal(live.expiresAt.getTime(), liveAt.getTime());
    assert.equal(await sessions.findActiveByTokenHash(expiredHash), null);
    const expired = await repository.findOneByOrFail({ tokenHash: expiredHash });
    assert.equal(expired.expiresAt.getTime(), expiredAt.getTime());
    assert.equal(expired.isExpired, true);
  });
});
