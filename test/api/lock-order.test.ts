import { expect } from 'chai';
import type { Test } from 'supertest';
import { api, decode, loggedInUser, PASSWORD } from '../support/factories';
import { holdUserRow } from '../support/user-row-lock';

type Agent = ReturnType<typeof api>;

interface Caller {
  email: string;
  accessToken: string;
  refreshToken: string;
  /** Another live session of the same user. */
  otherSessionId: string;
}

const bearer = (token: string): string => `Bearer ${token}`;

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
      const held = await holdUserRow(user.id);
      // A real promise, so the request is sent now, while the user row is held.
      const request = Promise.resolve(send(app, caller));
      let free: boolean;
      try {
        await held.untilWaiting(1);
        free = await held.sessionRowsAreFree();
      } finally {
        await held.release();
      }
      const response = await request;
      expect(free, 'the request held a session row while it waited for the user row').to.equal(true);
      expect(response.status, JSON.stringify(response.body)).to.equal(200);
    });
  }
});
