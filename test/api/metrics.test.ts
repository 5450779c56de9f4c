import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { listenForScrapes } from '../../src/metrics/metrics-server';
import { createMetrics } from '../../src/metrics/metrics';
import { BlockedToken } from '../../src/models';
import { createDatabase } from '../../src/repositories';
import { silentLogger } from '../support/config';
import { testSequelize } from '../support/database';
import { api, createUser, loggedInUser } from '../support/factories';
import { metricsApi, sampleValue } from '../support/metrics';

const bearer = (token: string): string => `Bearer ${token}`;
const countLiveBlockedTokens = () => createDatabase(testSequelize()).blockedTokens.countLive(new Date());

describe('GET /metrics', () => {
  it('answers Prometheus text with the process metrics and every auth metric declared', async () => {
    const response = await api().get('/metrics');
    expect(response.status).to.equal(200);
    expect(response.headers['content-type']).to.include('text/plain; version=0.0.4');
    for (const name of [
      'http_requests_total',
      'http_request_duration_seconds',
      'auth_logins_total',
      'auth_revocations_total',
      'auth_rate_limit_hits_total',
      'auth_blocklist_size',
      'process_cpu_user_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(response.text).to.include(`# TYPE ${name} `);
    }
  });

  it('answers 405 METHOD_NOT_ALLOWED with an Allow header to another method', async () => {
    const response = await api().post('/metrics');
    expect(response.status).to.equal(405);
    expect(response.body.error.code).to.equal('METHOD_NOT_ALLOWED');
    expect(response.headers.allow).to.include('GET');
  });

  it('counts requests by method, route template and status, with a latency histogram', async () => {
    const { agent, scrape } = metricsApi();
    const { accessToken } = await loggedInUser();
    await agent.get('/auth/ping').expect(200);
    await agent.get('/auth/ping').expect(200);
    await agent.delete(`/auth/sessions/${randomUUID()}`).set('Authorization', bearer(accessToken)).expect(404);

    const text = await scrape();
    expect(sampleValue(text, 'http_requests_total', { method: 'GET', route: '/auth/ping', status: '200' })).to.equal(2);
    const session = { method: 'DELETE', route: '/auth/sessions/:id', status: '404' };
    expect(sampleValue(text, 'http_requests_total', session)).to.equal(1);
    expect(sampleValue(text, 'http_request_duration_seconds_count', session)).to.equal(1);
    expect(sampleValue(text, 'http_request_duration_seconds_bucket', { ...session, le: '+Inf' })).to.equal(1);
  });

  it('counts requests no route matched under route="unmatched", whatever their path', async () => {
    const { agent, scrape } = metricsApi();
    await agent.get('/no/such/route').expect(404);
    await agent.get(`/wp-admin/${randomUUID()}`).expect(404);

    const text = await scrape();
    expect(sampleValue(text, 'http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).to.equal(2);
    expect(text).to.not.include('wp-admin');
  });

  it('counts login successes and failures', async () => {
    const { agent, scrape } = metricsApi();
    const { user, password } = await createUser();
    await agent.post('/auth/login').send({ email: user.email, password }).expect(200);
    await agent.post('/auth/login').send({ email: user.email, password: 'wrong password!' }).expect(401);
    await agent.post('/auth/login').send({ email: user.email, password: 'wrong password!' }).expect(401);

    const text = await scrape();
    expect(sampleValue(text, 'auth_logins_total', { outcome: 'success' })).to.equal(1);
    expect(sampleValue(text, 'auth_logins_total', { outcome: 'failure' })).to.equal(2);
  });

  it('counts revocations by reason: logout scopes, session delete, password change, refresh reuse', async () => {
    const { agent, scrape } = metricsApi({ REFRESH_GRACE_SECONDS: '0' });
    const first = await loggedInUser();
    await agent.post('/auth/logout').set('Authorization', bearer(first.accessToken)).expect(200);
    const second = await loggedInUser();
    await agent
      .post('/auth/logout')
      .set('Authorization', bearer(second.accessToken))
      .send({ scope: 'all' })
      .expect(200);
    const third = await loggedInUser();
    await agent.delete(`/auth/sessions/${third.sessionId}`).set('Authorization', bearer(third.accessToken)).expect(200);
    const fourth = await loggedInUser();
    await agent
      .post('/auth/password')
      .set('Authorization', bearer(fourth.accessToken))
      .send({ current_password: fourth.password, new_password: 'a brand new passphrase' })
      .expect(200);
    const fifth = await loggedInUser();
    await agent.post('/auth/refresh').send({ refresh_token: fifth.refreshToken }).expect(200);
    await agent.post('/auth/refresh').send({ refresh_token: fifth.refreshToken }).expect(401);

    const text = await scrape();
    const revocations = (reason: string): number | undefined => sampleValue(text, 'auth_revocations_total', { reason });
    expect(revocations('logout')).to.equal(2);
    expect(revocations('logout_all')).to.equal(1);
    expect(revocations('password_change')).to.equal(1);
    expect(revocations('refresh_reuse')).to.equal(1);
    expect(revocations('logout_others')).to.equal(undefined);
  });

  it('reports the live blocklist rows as auth_blocklist_size, leaving out expired ones', async () => {
    const before = sampleValue(await metricsApi().scrape(), 'auth_blocklist_size');
    expect(before).to.equal(await countLiveBlockedTokens());
    const { user } = await createUser();
    const row = (expiresAt: Date) => ({
      jti: randomUUID(),
      userId: user.id,
      expiresAt,
      blockedAt: new Date(),
      reason: 'logout' as const,
    });
    await BlockedToken.bulkCreate([
      row(new Date(Date.now() + 600_000)),
      row(new Date(Date.now() + 600_000)),
      row(new Date(Date.now() - 600_000)),
    ]);

    const after = sampleValue(await metricsApi().scrape(), 'auth_blocklist_size');
    expect(after).to.equal((before ?? Number.NaN) + 2);
  });

  it('is a 404 when METRICS_ENABLED=false, and requests are still served', async () => {
    const app = api({ METRICS_ENABLED: 'false' });
    await app.get('/auth/ping').expect(200);
    const response = await app.get('/metrics');
    expect(response.status).to.equal(404);
    expect(response.body.error.code).to.equal('NOT_FOUND');
  });

  it('is a 404 on the main port when METRICS_PORT is set', async () => {
    const response = await api({ METRICS_PORT: '9464' }).get('/metrics');
    expect(response.status).to.equal(404);
    expect(response.body.error.code).to.equal('NOT_FOUND');
  });
});

describe('the METRICS_PORT listener', () => {
  it('answers GET /metrics with Prometheus text, and 404 for any other path or method', async () => {
    const metrics = createMetrics({ countLiveBlockedTokens, logger: silentLogger });
    metrics.observeRequest('GET', '/auth/ping', 200, 0.002);
    const source = { contentType: metrics.registry.contentType, render: metrics.render };
    const { server, url } = await listenForScrapes(source, {
      host: '127.0.0.1',
      port: 0,
      hostKey: 'METRICS_HOST',
      portKey: 'METRICS_PORT',
    });
    try {
      const { port } = server.address() as AddressInfo;
      expect(url).to.equal(`http://127.0.0.1:${port}/metrics`);
      const response = await fetch(`${url}?debug=1`);
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.include('text/plain; version=0.0.4');
      const text = await response.text();
      expect(sampleValue(text, 'http_requests_total', { method: 'GET', route: '/auth/ping', status: '200' })).to.equal(
        1,
      );
      expect((await fetch(`http://127.0.0.1:${port}/auth/ping`)).status).to.equal(404);
      expect((await fetch(url, { method: 'POST' })).status).to.equal(404);
    } finally {
      server.close();
    }
  });

  it('answers 503 when the metrics cannot be rendered', async () => {
    const source = { contentType: 'text/plain', render: () => Promise.reject(new Error('no workers answered')) };
    const { server, url } = await listenForScrapes(source, {
      host: '127.0.0.1',
      port: 0,
      hostKey: 'METRICS_HOST',
      portKey: 'METRICS_PORT',
    });
    try {
      expect((await fetch(url)).status).to.equal(503);
    } finally {
      server.close();
    }
  });
});
