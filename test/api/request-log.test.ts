import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { Writable } from 'node:stream';
import request from 'supertest';
import { createLogger } from '../../src/logger';
import { createApp } from '../../src/server';
import { ADAPTER_SECRET, testConfig } from '../support/config';
import { testSequelize } from '../support/database';
import { createUser, PASSWORD, uniqueEmail } from '../support/factories';

/** An app whose info-level logs are kept in memory, raw and parsed. */
function loggedApp(overrides: Record<string, string> = {}) {
  let raw = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw += chunk.toString();
      done();
    },
  });
  const logger = createLogger({ logLevel: 'info' }, destination);
  const agent = request(createApp({ config: testConfig(overrides), logger }).callback());
  const lines = (): Array<Record<string, unknown>> =>
    raw
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { agent, raw: () => raw, lines, requestLines: () => lines().filter((line) => line.msg === 'request') };
}

describe('request log', () => {
  it('writes one JSON line per request with method, path, route, status, duration and request id', async () => {
    const { agent, requestLines } = loggedApp();
    await agent.get('/auth/ping?debug=1&token=abc').set('X-Request-Id', 'trace-123').expect(200);
    await agent.get('/no/such/route').expect(404);

    const [ping, missing, ...rest] = requestLines();
    expect(rest).to.deep.equal([]);
    expect(ping).to.include({
      level: 30,
      requestId: 'trace-123',
      method: 'GET',
      path: '/auth/ping',
      route: '/auth/ping',
      status: 200,
    });
    expect(ping?.durationMs).to.be.a('number').and.at.least(0);
    expect(missing).to.include({ method: 'GET', path: '/no/…', status: 404 });
    expect(missing).to.not.have.property('route');
    expect(missing?.requestId).to.match(/^[0-9a-f-]{36}$/);
  });

  it('logs the user id of an authenticated request, and the status the error handler chose', async () => {
    const { agent, requestLines } = loggedApp();
    const { user, password } = await createUser();
    const login = await agent.post('/auth/login').send({ email: user.email, password }).expect(200);
    await agent
      .get('/auth/user')
      .set('Authorization', `Bearer ${login.body.access_token as string}`)
      .expect(200);
    await agent.get('/auth/user').set('Authorization', 'Bearer not-a-token').expect(401);

    const [, me, rejected] = requestLines();
    expect(me).to.include({ route: '/auth/user', status: 200, userId: user.id });
    expect(rejected).to.include({ route: '/auth/user', status: 401 });
    expect(rejected).to.not.have.property('userId');
  });

  it('logs a 5xx at error level: the request line, plus the error handler line with the cause', async () => {
    const { agent, lines } = loggedApp();
    const sequelize = testSequelize();
    const [rows] = await sequelize.query('SELECT name FROM SequelizeMeta ORDER BY name DESC LIMIT 1');
    const latest = (rows as Array<{ name: string }>)[0]?.name ?? '';
    await sequelize.query('DELETE FROM SequelizeMeta WHERE name = ?', { replacements: [latest] });
    try {
      await agent.get('/health/ready').set('X-Request-Id', 'not-ready-1').expect(503);
    } finally {
      await sequelize.query('INSERT INTO SequelizeMeta (name) VALUES (?)', { replacements: [latest] });
    }

    const written = lines();
    expect(written.map((line) => [line.level, line.msg, line.requestId])).to.deep.equal([
      [50, 'request failed', 'not-ready-1'],
      [50, 'request', 'not-ready-1'],
    ]);
    expect(written[1]).to.include({ route: '/health/ready', status: 503 });
  });

  it('never writes a password, token or Authorization header through signup, login, refresh and logout', async () => {
    const { agent, raw, requestLines } = loggedApp();
    const email = uniqueEmail();
    const signup = await agent.post('/auth/signup').send({ email, password: PASSWORD, name: 'Logged' }).expect(201);
    const login = await agent.post('/auth/login').send({ email, password: PASSWORD }).expect(200);
    await agent.post('/auth/login').send({ email, password: 'a wrong passphrase' }).expect(401);
    const refreshed = await agent.post('/auth/refresh').send({ refresh_token: login.body.refresh_token }).expect(200);
    await agent
      .post('/auth/logout')
      .set('Authorization', `Bearer ${refreshed.body.access_token as string}`)
      .set('Cookie', 'session=cookie-secret-value')
      .expect(200);

    expect(requestLines()).to.have.length(5);
    const secrets = [
      PASSWORD,
      'a wrong passphrase',
      'cookie-secret-value',
      ...[signup, login, refreshed].flatMap((response) => [
        response.body.access_token as string,
        response.body.refresh_token as string,
      ]),
    ];
    for (const secret of secrets) expect(raw()).to.not.include(secret);
    expect(raw()).to.not.match(/authorization|bearer|\$2[aby]\$/i);
  });
});

describe('request log: credentials in the path', () => {
  it('never writes an Auth.js session token that a route carries in its path, nor any unlisted path parameter', async () => {
    const { agent, raw, requestLines } = loggedApp();
    const { user } = await createUser();
    const sessionToken = `logged-session-${randomBytes(16).toString('hex')}`;
    const adapter = (method: 'get' | 'post' | 'delete', path: string) =>
      agent[method](`/adapter${path}`).set('X-Auth-Secret', ADAPTER_SECRET);
    const expires = new Date(Date.now() + 3_600_000).toISOString();
    await adapter('post', '/users/sessions')
      .send({ sessionToken, userId: String(user.id), expires })
      .expect(200);
    await adapter('get', `/sessions/${sessionToken}`).expect(200);
    await adapter('get', `/users/sessions/${sessionToken}`).expect(200);
    await adapter('delete', `/users/sessions/${sessionToken}`).expect(204);
    await agent.get(`/adapter/sessions/${sessionToken}`).expect(401);

    expect(raw()).to.not.include(sessionToken);
    const paths = requestLines().map((line) => line.path);
    expect(paths).to.include('/adapter/sessions/:sessionToken');
    expect(paths).to.include('/adapter/users/sessions/:sessionToken');
    // An identifier that is no credential still shows which resource a request was about.
    await agent.get(`/adapter/users/${user.id}`).set('X-Auth-Secret', ADAPTER_SECRET).expect(200);
    expect(requestLines().at(-1)).to.include({ path: `/adapter/users/${user.id}`, route: '/adapter/users/:id' });
  });
});

describe('request log of a path that carries a credential', () => {
  it('writes the route template, never the values in the path: an Auth.js session token stays out of the log', async () => {
    const { agent, raw, requestLines } = loggedApp();
    const { user } = await createUser();
    const sessionToken = randomBytes(32).toString('base64url');
    const expires = new Date(Date.now() + 3_600_000).toISOString();
    await agent
      .post('/adapter/users/sessions')
      .set('X-Auth-Secret', ADAPTER_SECRET)
      .send({ sessionToken, userId: String(user.id), expires })
      .expect(200);
    await agent.get(`/adapter/sessions/${sessionToken}`).set('X-Auth-Secret', ADAPTER_SECRET).expect(200);
    await agent.get(`/adapter/users/sessions/${sessionToken}`).set('X-Auth-Secret', 'not the secret').expect(401);
    await agent.put(`/adapter/sessions/${sessionToken}`).set('X-Auth-Secret', ADAPTER_SECRET).expect(405);
    await agent.get(`/no/such/route/${sessionToken}`).expect(404);

    expect(requestLines()).to.have.length(5);
    expect(raw()).to.not.include(sessionToken);
    expect(requestLines()[1]).to.include({
      path: '/adapter/sessions/:sessionToken',
      route: '/adapter/sessions/:sessionToken',
      status: 200,
    });
  });
});
