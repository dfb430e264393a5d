import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { randomToken, sha256Hex } from '../../src/common/crypto.js';
import { CrossAppSession } from '../../src/cross-app/cross-app-session.entity.js';
import type { HandoffDataSource } from '../../src/database/data-source.js';
import { DEMO_USER, seedDemoData } from '../../src/database/seed/demo-seed.js';
import { User } from '../../src/directory/user.entity.js';
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
    const result = await seedDemoData(dataSource, () => {
      tokens.push(randomToken());
      return tokens.at(-1)!;
    });
    assert.equal(result.created, true);

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
    assert.deepEqual(await snapshot(), beforeSecondRun);
  });
});
