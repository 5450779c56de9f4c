import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { BlockedToken, Session } from '../../src/models';
import { purgeExpired } from '../../src/services/purge.service';
import { testSequelize } from '../support/database';
import { createUser } from '../support/factories';

async function seedRows(userId: number, count: number, expiresAt: Date): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID().replaceAll('-', ''));
  await BlockedToken.bulkCreate(
    ids.map((jti) => ({ jti, userId, expiresAt, blockedAt: new Date(), reason: 'logout' })),
  );
  await Session.bulkCreate(
    ids.map((id) => ({
      id,
      familyId: id,
      parentId: null,
      userId,
      refreshTokenHash: '0'.repeat(64),
      lastUsedAt: null,
      expiresAt,
      absoluteExpiresAt: expiresAt,
      revokedAt: null,
      reason: null,
      ip: null,
      userAgent: null,
    })),
  );
  return ids;
}

describe('purgeExpired', () => {
  it('deletes expired blocklist and session rows in batches and keeps live ones', async () => {
    const { user } = await createUser();
    const expired = await seedRows(user.id, 7, new Date(Date.now() - 60_000));
    const live = await seedRows(user.id, 3, new Date(Date.now() + 60_000));

    const removed = await purgeExpired(new Date(), 2);

    expect(removed.blockedTokens).to.be.at.least(7);
    expect(removed.sessions).to.be.at.least(7);
    expect(await BlockedToken.count({ where: { jti: expired } })).to.equal(0);
    expect(await Session.count({ where: { id: expired } })).to.equal(0);
    expect(await BlockedToken.count({ where: { jti: live } })).to.equal(3);
    expect(await Session.count({ where: { id: live } })).to.equal(3);
  });

  it('is safe to run from several processes at once', async () => {
    const { user } = await createUser();
    const expired = await seedRows(user.id, 20, new Date(Date.now() - 60_000));
    const results = await Promise.all([purgeExpired(new Date(), 3), purgeExpired(new Date(), 3)]);
    expect(results.every((result) => result.blockedTokens >= 0)).to.equal(true);
    expect(await BlockedToken.count({ where: { jti: expired } })).to.equal(0);
    expect(await Session.count({ where: { id: expired } })).to.equal(0);
  });

  it('deletes rate-limit counters whose window has ended and keeps running ones', async () => {
    const [ended, running] = [`test:${randomUUID()}`, `test:${randomUUID()}`];
    await testSequelize().query('INSERT INTO rate_limits VALUES (?, 3, ?), (?, 3, ?)', {
      replacements: [ended, Date.now() - 1000, running, Date.now() + 60_000],
    });

    const removed = await purgeExpired(new Date(), 2);

    expect(removed.rateLimits).to.be.at.least(1);
    const left = await testSequelize().query<{ key: string }>('SELECT `key` FROM rate_limits WHERE `key` IN (?, ?)', {
      replacements: [ended, running],
      type: QueryTypes.SELECT,
    });
    expect(left.map((row) => row.key)).to.deep.equal([running]);
  });
});
