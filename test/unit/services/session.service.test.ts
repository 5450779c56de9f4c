import { expect } from 'chai';
import { DatabaseError } from 'sequelize';
import { AppError } from '../../../src/errors/app-error';
import type { RefreshTokenRow } from '../../../src/repositories';
import { createSessionService, type ClientInfo } from '../../../src/services/session.service';
import { testConfig } from '../../support/config';
import { createFakeDatabase, userRecord } from '../../support/fake-database';

const CLIENT: ClientInfo = { ip: '203.0.113.7', userAgent: 'unit-test/1.0' };

/** A session service over a fake database holding one user; `overrides` change its settings. */
function setup(overrides: Record<string, string> = {}) {
  const database = createFakeDatabase();
  database.tables.users.set(1, userRecord({ id: 1, tokenVersion: 3 }));
  const sessions = createSessionService({ database, settings: testConfig(overrides).sessions });
  const start = () => database.inTransaction((transaction) => sessions.startSession(1, CLIENT, transaction));
  const rows = (): RefreshTokenRow[] => [...database.tables.sessions.values()];
  return { database, sessions, start, rows };
}

const rowIdOf = (refreshToken: string): string => refreshToken.split('.')[0] ?? '';

/** The code of the AppError `promise` rejects with. */
async function errorCodeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (rejection: unknown) => rejection,
  );
  return error instanceof AppError ? error.code : String(error);
}

describe('session service (fake database)', () => {
  it('startSession stores one row per refresh token, keyed by id, holding only the secret hash', async () => {
    const { start, rows } = setup();
    const issued = await start();
    const [row] = rows();
    expect(rows()).to.have.length(1);
    expect(row?.id).to.equal(rowIdOf(issued.refreshToken));
    expect(row?.familyId).to.equal(issued.sessionId);
    expect(row?.parentId).to.equal(null);
    expect(row?.refreshTokenHash).to.match(/^[0-9a-f]{64}$/);
    expect(issued.refreshToken).to.not.include(row?.refreshTokenHash);
    expect(row?.lastUsedAt.getTime()).to.equal(row?.createdAt.getTime());
  });

  it('a refresh token lives REFRESH_TOKEN_TTL_SECONDS, never past the session maximum age', async () => {
    const short = await setup({ REFRESH_TOKEN_TTL_SECONDS: '60', SESSION_MAX_AGE_SECONDS: '3600' }).start();
    expect(short.refreshExpiresInSeconds).to.be.within(59, 60);
    const capped = await setup({ REFRESH_TOKEN_TTL_SECONDS: '3600', SESSION_MAX_AGE_SECONDS: '120' }).start();
    expect(capped.refreshExpiresInSeconds).to.be.within(119, 120);
  });

  it('rotate retires the row and adds its child in the same session, used now', async () => {
    const { sessions, start, database } = setup();
    const issued = await start();
    const outcome = await sessions.rotate(issued.refreshToken, { ip: '198.51.100.1', userAgent: 'other/2.0' });
    if (outcome.kind !== 'rotated') throw new Error('expected a rotation');
    expect(outcome.userId).to.equal(1);
    expect(outcome.tokenVersion).to.equal(3);
    expect(outcome.session.sessionId).to.equal(issued.sessionId);
    const parent = database.tables.sessions.get(rowIdOf(issued.refreshToken));
    const child = database.tables.sessions.get(rowIdOf(outcome.session.refreshToken));
    expect(parent?.reason).to.equal('rotated');
    expect(child?.parentId).to.equal(parent?.id);
    expect(child?.revokedAt).to.equal(null);
    expect(child?.ip).to.equal('198.51.100.1');
    expect(child?.lastUsedAt.getTime()).to.equal(parent?.revokedAt?.getTime());
    expect(child?.absoluteExpiresAt.getTime()).to.equal(parent?.absoluteExpiresAt.getTime());
  });

  it('rotate hands the fast path a plan, and takes the transaction when that path meets a lock conflict', async () => {
    const { sessions, start, database } = setup();
    const issued = await start();
    // A deadlock as MySQL reports it (ER_LOCK_DEADLOCK), from the batched path.
    const deadlock = new DatabaseError(Object.assign(new Error('Deadlock found'), { sql: 'COMMIT', errno: 1213 }));
    let fastTries = 0;
    database.refreshRotation = {
      lockAndRotate: () => {
        fastTries += 1;
        return Promise.reject(deadlock);
      },
    };
    const outcome = await sessions.rotate(issued.refreshToken, CLIENT);
    if (outcome.kind !== 'rotated') throw new Error('expected a rotation');
    expect(fastTries).to.equal(1);
    expect(database.tables.sessions.get(rowIdOf(issued.refreshToken))?.reason).to.equal('rotated');
    expect(database.tables.sessions.get(rowIdOf(outcome.session.refreshToken))?.revokedAt).to.equal(null);
  });

  it('rotate passes on any other error of the fast path as it is', async () => {
    const { sessions, start, database } = setup();
    const issued = await start();
    const lost = new DatabaseError(Object.assign(new Error('Connection lost'), { sql: 'COMMIT', fatal: true }));
    database.refreshRotation = { lockAndRotate: () => Promise.reject(lost) };
    const error = await sessions.rotate(issued.refreshToken, CLIENT).then(
      () => null,
      (rejection: unknown) => rejection,
    );
    expect(error).to.equal(lost);
    expect(database.tables.sessions.get(rowIdOf(issued.refreshToken))?.revokedAt).to.equal(null);
  });

  it('rotate refuses a token of the wrong shape, an unknown row and a wrong secret as REFRESH_TOKEN_INVALID', async () => {
    const { sessions, start } = setup();
    const issued = await start();
    const [rowId = ''] = issued.refreshToken.split('.');
    const wrongSecret = `${rowId}.${'A'.repeat(43)}`;
    const unknownRow = `${'B'.repeat(22)}.${'A'.repeat(43)}`;
    for (const token of ['not-a-token', unknownRow, wrongSecret]) {
      expect(await errorCodeOf(sessions.rotate(token, CLIENT)), token).to.equal('REFRESH_TOKEN_INVALID');
    }
  });

  it('a retired token within the grace window is a 409 while the session lives, a revocation once it ended', async () => {
    const { sessions, start, database } = setup({ REFRESH_GRACE_SECONDS: '5' });
    const issued = await start();
    await sessions.rotate(issued.refreshToken, CLIENT);
    expect(await errorCodeOf(sessions.rotate(issued.refreshToken, CLIENT))).to.equal('REFRESH_CONFLICT');
    await database.inTransaction((transaction) =>
      sessions.endSessions({ userId: 1, familyId: issued.sessionId }, 'logout', transaction),
    );
    expect(await errorCodeOf(sessions.rotate(issued.refreshToken, CLIENT))).to.equal('REFRESH_TOKEN_REVOKED');
  });

  it('a retired token after the grace window is a replay: the whole session ends, and that is committed', async () => {
    const { sessions, start, rows } = setup({ REFRESH_GRACE_SECONDS: '0' });
    const issued = await start();
    await sessions.rotate(issued.refreshToken, CLIENT);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const outcome = await sessions.rotate(issued.refreshToken, CLIENT);
    expect(outcome).to.deep.equal({ kind: 'reused', sessionId: issued.sessionId, userId: 1 });
    expect(rows().map((row) => row.reason)).to.have.members(['rotated', 'refresh_reuse']);
    expect(await sessions.isSessionLive(1, issued.sessionId)).to.equal(false);
  });

  it('rotate refuses an expired token as REFRESH_TOKEN_EXPIRED and a revoked one as REFRESH_TOKEN_REVOKED', async () => {
    const { sessions, start, database } = setup();
    const expired = await start();
    const expiredRow = database.tables.sessions.get(rowIdOf(expired.refreshToken));
    if (expiredRow !== undefined) expiredRow.expiresAt = new Date(Date.now() - 1000);
    expect(await errorCodeOf(sessions.rotate(expired.refreshToken, CLIENT))).to.equal('REFRESH_TOKEN_EXPIRED');
    const revoked = await start();
    await database.inTransaction((transaction) =>
      sessions.endSessions({ userId: 1, familyId: revoked.sessionId }, 'logout', transaction),
    );
    expect(await errorCodeOf(sessions.rotate(revoked.refreshToken, CLIENT))).to.equal('REFRESH_TOKEN_REVOKED');
  });

  it('isSessionLive is false for another user and for an ended session', async () => {
    const { sessions, start, database } = setup();
    const issued = await start();
    expect(await sessions.isSessionLive(1, issued.sessionId)).to.equal(true);
    expect(await sessions.isSessionLive(2, issued.sessionId)).to.equal(false);
    await database.inTransaction((transaction) => sessions.endSessions({ userId: 1 }, 'logout_all', transaction));
    expect(await sessions.isSessionLive(1, issued.sessionId)).to.equal(false);
  });

  it('listSessions dates each session by its first row and its last use by the live row', async () => {
    const { sessions, start, database } = setup();
    const first = await start();
    const second = await start();
    const firstRow = database.tables.sessions.get(rowIdOf(first.refreshToken));
    if (firstRow !== undefined) firstRow.createdAt = new Date('2026-01-01T00:00:00.000Z');
    const rotated = await sessions.rotate(second.refreshToken, CLIENT);
    if (rotated.kind !== 'rotated') throw new Error('expected a rotation');
    const liveRow = database.tables.sessions.get(rowIdOf(rotated.session.refreshToken));
    if (liveRow !== undefined) liveRow.lastUsedAt = new Date('2030-01-01T00:00:00.000Z');

    const list = await sessions.listSessions(1, second.sessionId);

    expect(list.map((session) => session.id)).to.deep.equal([first.sessionId, second.sessionId]);
    expect(list[0]?.created_at).to.equal('2026-01-01T00:00:00.000Z');
    expect(list[1]?.created_at).to.equal(
      database.tables.sessions.get(rowIdOf(second.refreshToken))?.createdAt.toISOString(),
    );
    expect(list[1]?.last_used_at).to.equal('2030-01-01T00:00:00.000Z');
    expect(list.map((session) => session.current)).to.deep.equal([false, true]);
    expect(await sessions.listSessions(2, second.sessionId)).to.deep.equal([]);
  });
});
