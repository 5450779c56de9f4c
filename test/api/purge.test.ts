import { expect } from 'chai';
import { randomBytes, randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { BlockedToken, OidcCode, OidcLogin, Session } from '../../src/models';
import { createDatabase } from '../../src/repositories';
import { purgeExpired } from '../../src/services/purge.service';
import { testSequelize } from '../support/database';
import { api, createUser, loggedInUser } from '../support/factories';

/** The row id part of a refresh token "<row id>.<secret>". */
const rowIdOf = (refreshToken: string): string => refreshToken.split('.')[0] ?? '';

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
      lastUsedAt: new Date(),
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

    const removed = await purgeExpired(createDatabase(testSequelize()), new Date(), 2);

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
    const results = await Promise.all([
      purgeExpired(createDatabase(testSequelize()), new Date(), 3),
      purgeExpired(createDatabase(testSequelize()), new Date(), 3),
    ]);
    expect(results.every((result) => result.blockedTokens >= 0)).to.equal(true);
    expect(await BlockedToken.count({ where: { jti: expired } })).to.equal(0);
    expect(await Session.count({ where: { id: expired } })).to.equal(0);
  });

  it('deletes rate-limit counters whose window has ended and keeps running ones', async () => {
    const [ended, running] = [`test:${randomUUID()}`, `test:${randomUUID()}`];
    await testSequelize().query('INSERT INTO rate_limits VALUES (?, 3, ?), (?, 3, ?)', {
      replacements: [ended, Date.now() - 1000, running, Date.now() + 60_000],
    });

    const removed = await purgeExpired(createDatabase(testSequelize()), new Date(), 2);

    expect(removed.rateLimits).to.be.at.least(1);
    const left = await testSequelize().query<{ key: string }>('SELECT `key` FROM rate_limits WHERE `key` IN (?, ?)', {
      replacements: [ended, running],
      type: QueryTypes.SELECT,
    });
    expect(left.map((row) => row.key)).to.deep.equal([running]);
  });

  it("keeps a live session's first row, so the session keeps its start time once that row expires", async () => {
    const { refreshToken, accessToken } = await loggedInUser();
    const firstRowId = rowIdOf(refreshToken);
    const first = await Session.findByPk(firstRowId, { rejectOnEmpty: true });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await api().post('/auth/refresh').send({ refresh_token: refreshToken }).expect(200);
    // The first refresh token's own life is over; the session lives on in its child.
    await Session.update({ expiresAt: new Date(Date.now() - 60_000) }, { where: { id: firstRowId } });

    await purgeExpired(createDatabase(testSequelize()), new Date());

    expect(await Session.count({ where: { id: firstRowId } })).to.equal(1);
    const listed = await api().get('/auth/sessions').set('Authorization', `Bearer ${accessToken}`).expect(200);
    expect(listed.body.sessions[0].created_at).to.equal(first.createdAt.toISOString());
  });

  it("deletes a session's first row once the session's absolute end has passed", async () => {
    const { refreshToken } = await loggedInUser();
    const firstRowId = rowIdOf(refreshToken);
    const past = new Date(Date.now() - 60_000);
    await Session.update({ expiresAt: past, absoluteExpiresAt: past }, { where: { id: firstRowId } });

    await purgeExpired(createDatabase(testSequelize()), new Date());

    expect(await Session.count({ where: { id: firstRowId } })).to.equal(0);
  });

  it('deletes OIDC logins and codes past their expiry and keeps live ones', async () => {
    const { user } = await createUser();
    const hash = (): string => randomBytes(32).toString('base64url');
    const [past, future] = [new Date(Date.now() - 60_000), new Date(Date.now() + 60_000)];
    const login = (expiresAt: Date) => ({
      idHash: hash(),
      provider: 'test',
      state: 'state',
      nonce: 'nonce',
      codeVerifier: 'verifier',
      redirectTo: '/',
      clientChallenge: hash(),
      expiresAt,
      createdAt: new Date(),
    });
    const code = (expiresAt: Date) => ({
      codeHash: hash(),
      userId: user.id,
      clientChallenge: hash(),
      expiresAt,
      createdAt: new Date(),
    });
    const expiredLogins = [login(past), login(past), login(past)];
    const liveLogin = login(future);
    const expiredCodes = [code(past), code(past), code(past)];
    const liveCode = code(future);
    await OidcLogin.bulkCreate([...expiredLogins, liveLogin]);
    await OidcCode.bulkCreate([...expiredCodes, liveCode]);

    const removed = await purgeExpired(createDatabase(testSequelize()), new Date(), 2);

    expect(removed.oidcLogins).to.be.at.least(3);
    expect(removed.oidcCodes).to.be.at.least(3);
    expect(await OidcLogin.count({ where: { idHash: expiredLogins.map((row) => row.idHash) } })).to.equal(0);
    expect(await OidcCode.count({ where: { codeHash: expiredCodes.map((row) => row.codeHash) } })).to.equal(0);
    expect(await OidcLogin.count({ where: { idHash: liveLogin.idHash } })).to.equal(1);
    expect(await OidcCode.count({ where: { codeHash: liveCode.codeHash } })).to.equal(1);
  });
});
