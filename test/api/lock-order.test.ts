import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { QueryTypes, type Transaction } from 'sequelize';
import type { Test } from 'supertest';
import { boundSequelize } from '../../src/models';
import { testConfig } from '../support/config';
import { api, decode, loggedInUser, PASSWORD } from '../support/factories';

type Agent = ReturnType<typeof api>;

interface Caller {
  email: string;
  accessToken: string;
  refreshToken: string;
  /** Another live session of the same user. */
  otherSessionId: string;
}

const bearer = (token: string): string => `Bearer ${token}`;
/** How long to wait for the request to reach its lock wait: a bound on hanging, not a timing assertion. */
const WAIT_LIMIT_MS = 15_000;

/** Every request that changes a user's sessions, with a valid body. */
const REQUESTS: ReadonlyArray<[string, (app: Agent, caller: Caller) => Test]> = [
  ['POST /auth/login', (app, { email }) => app.post('/auth/login').send({ email, password: PASSWORD })],
  ['POST /auth/refresh', (app, { refreshToken }) => app.post('/auth/refresh').send({ refresh_token: refreshToken })],
  ['POST /auth/logout', (app, { accessToken }) => app.post('/auth/logout').set('Authorization', bearer(accessToken))],
  [
    'POST /auth/logout {"scope":"others"}',
    (app, { accessToken }) =>
      app.post('/auth/logout').set('Authorization', bearer(accessToken)).send({ scope: 'others' }),
  ],
  [
    'POST /auth/logout {"scope":"all"}',
    (app, { accessToken }) => app.post('/auth/logout').set('Authorization', bearer(accessToken)).send({ scope: 'all' }),
  ],
  [
    'DELETE /auth/sessions/:id',
    (app, { accessToken, otherSessionId }) =>
      app.delete(`/auth/sessions/${otherSessionId}`).set('Authorization', bearer(accessToken)),
  ],
  [
    'POST /auth/password',
    (app, { accessToken }) =>
      app
        .post('/auth/password')
        .set('Authorization', bearer(accessToken))
        .send({ current_password: PASSWORD, new_password: 'a brand new password' }),
  ],
];

/**
 * Resolves once some transaction waits for a lock on a `users` row of the test database. InnoDB's
 * status report is the one place that shows this reliably: MariaDB's information_schema lock
 * tables did not list these waits.
 */
async function untilWaitingForUserRow(): Promise<void> {
  const table = `\`${testConfig().database.database}\`.\`users\``;
  const deadline = Date.now() + WAIT_LIMIT_MS;
  while (Date.now() < deadline) {
    const [status] = await boundSequelize().query<{ Status: string }>('SHOW ENGINE INNODB STATUS', {
      type: QueryTypes.SELECT,
    });
    // Only the live transactions: the latest deadlock, reported above them, has waiting lines too.
    const [, transactions = ''] = (status?.Status ?? '').split('LIST OF TRANSACTIONS FOR EACH SESSION:');
    const waiting = transactions
      .split('\n')
      .some((line) => line.includes(`of table ${table}`) && line.endsWith(' waiting'));
    if (waiting) return;
    await sleep(10);
  }
  throw new Error(`no request waited for the user row within ${WAIT_LIMIT_MS} ms`);
}

/** True when `transaction` can lock every session row of the user at once, i.e. nobody else holds one. */
async function sessionRowsAreFree(userId: number, transaction: Transaction): Promise<boolean> {
  try {
    // MariaDB answers NOWAIT on a held lock at once with ER_LOCK_WAIT_TIMEOUT.
    await boundSequelize().query('SELECT id FROM sessions WHERE user_id = ? FOR UPDATE NOWAIT', {
      replacements: [userId],
      transaction,
    });
    return true;
  } catch {
    return false;
  }
}

describe('lock order (see lockUser): the user row first, then session rows', () => {
  for (const [name, send] of REQUESTS) {
    it(`${name} waits for a held user row while holding no session row, then succeeds`, async () => {
      const { user, accessToken, refreshToken } = await loggedInUser();
      const app = api();
      const other = await app.post('/auth/login').send({ email: user.email, password: PASSWORD }).expect(200);
      const caller = {
        email: user.email,
        accessToken,
        refreshToken,
        otherSessionId: String(decode(String(other.body.access_token)).sid),
      };
      const holder = await boundSequelize().transaction();
      await boundSequelize().query('SELECT id FROM users WHERE id = ? FOR UPDATE', {
        replacements: [user.id],
        transaction: holder,
      });
      // A real promise, so the request is sent now, while the user row is held.
      const request = Promise.resolve(send(app, caller));
      let free: boolean;
      try {
        await untilWaitingForUserRow();
        free = await sessionRowsAreFree(user.id, holder);
      } finally {
        await holder.commit();
      }
      const response = await request;
      expect(free, 'the request held a session row while it waited for the user row').to.equal(true);
      expect(response.status, JSON.stringify(response.body)).to.equal(200);
    });
  }
});
