import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { randomToken, sha256Hex } from '../../src/common/crypto.js';
import { CrossAppSession } from '../../src/cross-app/cross-app-session.entity.js';
import type { HandoffDataSource } from '../../src/database/data-source.js';
import { DEMO_USER, seedDemoData } from '../../src/database/seed/demo-seed.js';
import { User } from '../../src/directory/user.entity.js';
import { TargetAppSecret } from '../../src/target-apps/target-app-secret.entity.js';
import { TargetApp } from '../../src/target-apps/target-app.entity.js';
import { openDataSource } from '../support/handoff.js';
import { describeEachDatabase } from '../support/test-databases.js';

describeEachDatabase('demo seed', (database) => {
  let dataSource: HandoffDataSource;

  before(async () => {
    dataSource = await openDataSource(database(), { migrate: true });
  });
  after(async () => {
    await dataSource?.destroy();
  });

  const snapshot = async (): Promise<unknown> => ({
    users: await dataSource.getRepository(User).find({ order: { id: 'ASC' } }),
    sessions: await dataSource.getRepository(CrossAppSession).find({ order: { id: 'ASC' } }),
  });

  test('creates the test user with one live and one expired session, hashes only', async () => {
    const tokens: string[] = [];
    const result = await seedDemoData(dataSource, {
      newToken: () => {
        tokens.push(randomToken());
        return tokens.at(-1)!;
      },
    });
    assert.equal(result.created, true);
    assert.equal(result.appSecret, tokens.shift(), 'the demo app\'s secret is answered once');
    const app = await dataSource.getRepository(TargetApp).findOneByOrFail({ name: 'hi-events' });
    const secrets = await dataSource.getRepository(TargetAppSecret).findBy({ targetAppId: app.id });
    assert.deepEqual(secrets.map((secret) => secret.secretHash), [sha256Hex(result.appSecret!)], 'only its hash is kept');

    const users = await dataSource.getRepository(User).find();
    assert.deepEqual(
      users.map((user) => ({ email: user.email, name: user.name })),
      [{ email: DEMO_USER.email, name: DEMO_USER.name }],
    );
    const sessions = await dataSource.getRepository(CrossAppSession).find({ order: { expiresAt: 'DESC' } });
    assert.equal(sessions.length, 2);
    const [live, expired] = sessions as [CrossAppSession, CrossAppSession];
    assert.equal(live.isActive, true);
    assert.ok(Math.abs(live.expiresAt.getTime() - (Date.now() + 15 * 60_000)) < 60_000);
    assert.equal(expired.isExpired, true);
    assert.ok(Math.abs(expired.expiresAt.getTime() - (Date.now() - 5 * 60_000)) < 60_000);
    assert.deepEqual(
      sessions.map((session) => session.tokenHash).sort(),
      tokens.map(sha256Hex).sort(),
      'the SHA-256 of each token is stored',
    );
    for (const session of sessions) {
      assert.ok(!tokens.includes(session.tokenHash), 'never the token itself');
      assert.equal(session.userId, result.userId);
      assert.equal(session.sourceApp, 'test');
      assert.equal(session.targetApp, 'hi-events');
    }
  });

  test('running it again changes nothing', async () => {
    const beforeSecondRun = await snapshot();
    const again = await seedDemoData(dataSource);
    assert.equal(again.created, false);
    assert.equal(again.renewed, false);
    assert.equal(again.appSecret, null);
    assert.deepEqual(await snapshot(), beforeSecondRun);
  });

  test('a start after the live session expired renews it', async () => {
    const sessions = dataSource.getRepository(CrossAppSession);
    await sessions.update({ sourceApp: 'test' }, { expiresAt: new Date(Date.now() - 60_000) });
    const renewed = await seedDemoData(dataSource);
    assert.equal(renewed.renewed, true);
    const live = (await sessions.find({ where: { userId: renewed.userId } })).filter((session) => session.isActive);
    assert.equal(live.length, 1, 'one live session again');
    assert.ok(Math.abs(live[0]!.expiresAt.getTime() - (Date.now() + 15 * 60_000)) < 60_000);
    assert.equal((await seedDemoData(dataSource)).renewed, false, 'and only when none is live');
  });
});
