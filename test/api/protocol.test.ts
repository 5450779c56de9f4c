import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import { buildOpenApiDocument } from '../../src/openapi/document';
import { api, PASSWORD, uniqueEmail } from '../support/factories';
import { documentedOperations } from '../support/openapi';
import { closeRaw, listenRaw, send } from '../support/raw-http';

describe('HTTP protocol errors', () => {
  it('GET /auth/ping returns 200 with the status message', async () => {
    const response = await api().get('/auth/ping');
    expect(response.status).to.equal(200);
    expect(response.body).to.deep.equal({ status: 'success', message: 'APIs are up and running' });
  });

  it('returns 404 NOT_FOUND as JSON for an unknown route', async () => {
    const response = await api().get('/nope');
    expect(response.status).to.equal(404);
    expect(response.type).to.equal('application/json');
    expect(response.body).to.deep.equal({ error: { code: 'NOT_FOUND', message: 'No such route.' } });
  });

  it('returns 405 METHOD_NOT_ALLOWED with Allow for a wrong method', async () => {
    const response = await api().delete('/auth/login');
    expect(response.status).to.equal(405);
    expect(response.headers.allow).to.equal('POST');
    expect(response.body.error.code).to.equal('METHOD_NOT_ALLOWED');
  });

  it('returns 405, not 501, for a method the router does not know', async () => {
    const response = await api().propfind('/auth/user');
    expect(response.status).to.equal(405);
    expect(response.headers.allow).to.equal('HEAD, GET');
    expect(response.body.error.code).to.equal('METHOD_NOT_ALLOWED');
  });

  it('returns 415 UNSUPPORTED_MEDIA_TYPE for a form-encoded body', async () => {
    const response = await api().post('/auth/signup').type('form').send({ email: uniqueEmail(), password: PASSWORD });
    expect(response.status).to.equal(415);
    expect(response.body.error.code).to.equal('UNSUPPORTED_MEDIA_TYPE');
  });

  it('returns 415 UNSUPPORTED_MEDIA_TYPE for JSON sent as text/plain', async () => {
    const response = await api().post('/auth/login').set('Content-Type', 'text/plain').send('{"email":"a@b.co"}');
    expect(response.status).to.equal(415);
  });

  it('returns 400 VALIDATION_FAILED for a POST with no body at all', async () => {
    const response = await api().post('/auth/login');
    expect(response.status).to.equal(400);
    expect(response.body.error.code).to.equal('VALIDATION_FAILED');
  });

  for (const [label, raw] of [
    ['truncated JSON', '{"email": "a@b.co"'],
    ['a __proto__ key', '{"__proto__": {"admin": true}, "email": "a@b.co"}'],
  ] as const) {
    it(`returns 400 INVALID_JSON for ${label}`, async () => {
      const response = await api().post('/auth/login').set('Content-Type', 'application/json').send(raw);
      expect(response.status).to.equal(400);
      expect(response.body).to.deep.equal({
        error: { code: 'INVALID_JSON', message: 'The request body is not valid JSON.' },
      });
    });
  }

  it('returns 400 VALIDATION_FAILED for a JSON string or number body', async () => {
    for (const raw of ['"text"', '42', '']) {
      const response = await api().post('/auth/login').set('Content-Type', 'application/json').send(raw);
      expect(response.body.error?.code, raw).to.equal('VALIDATION_FAILED');
    }
  });

  it('returns 413 PAYLOAD_TOO_LARGE for a body over 16 KiB', async () => {
    const response = await api()
      .post('/auth/signup')
      .send({ email: uniqueEmail(), password: PASSWORD, name: 'x'.repeat(17 * 1024) });
    expect(response.status).to.equal(413);
    expect(response.body.error.code).to.equal('PAYLOAD_TOO_LARGE');
  });

  it('reads a gzip body whatever the case of its Content-Encoding (RFC 9110 §8.4.1)', async () => {
    // Over a bare socket: supertest would serialise a Buffer as JSON.
    const server = await listenRaw();
    try {
      const body = gzipSync(JSON.stringify({ email: 'not-an-email', password: PASSWORD }));
      for (const coding of ['GZIP', 'Gzip', 'gzip ']) {
        const response = await send(server, {
          method: 'POST',
          path: '/auth/login',
          headers: [
            ['Host', 'localhost'],
            ['Content-Type', 'application/json'],
            ['Content-Encoding', coding],
            ['Content-Length', String(body.length)],
          ],
          body,
        });
        expect(response.status, coding).to.equal(400);
        expect(response.body, coding).to.include('VALIDATION_FAILED');
      }
    } finally {
      await closeRaw(server);
    }
  });

  it('returns 400 BAD_REQUEST for a gzip body that is not gzip', async () => {
    const response = await api()
      .post('/auth/login')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .send('{"not":"gzipped"}');
    expect(response.status).to.equal(400);
    expect(response.body.error.code).to.equal('BAD_REQUEST');
  });

  it('returns 400 BAD_REQUEST for a br body that is not brotli', async () => {
    const response = await api()
      .post('/auth/refresh')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'br')
      .send('{"refresh_token":"not brotli"}');
    expect(response.status).to.equal(400);
    expect(response.body).to.deep.equal({
      error: { code: 'BAD_REQUEST', message: 'The request could not be read.' },
    });
  });

  it('returns 415 for an unknown Content-Encoding', async () => {
    const response = await api()
      .post('/auth/login')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'br-unknown')
      .send('{}');
    expect(response.status).to.equal(415);
    expect(response.body.error.code).to.equal('UNSUPPORTED_MEDIA_TYPE');
  });

  it('forbids caching, sniffing and framing on every response, errors included', async () => {
    for (const response of [
      await api().post('/auth/signup').send({ email: uniqueEmail(), password: PASSWORD, name: 'Cache' }),
      await api().get('/nope'),
    ]) {
      expect(response.headers['cache-control']).to.equal('no-store');
      expect(response.headers['x-content-type-options']).to.equal('nosniff');
      expect(response.headers['x-frame-options']).to.equal('DENY');
      expect(response.headers['x-powered-by']).to.equal(undefined);
    }
  });

  it('puts an X-Request-Id on every response and echoes a safe client one', async () => {
    const generated = await api().get('/nope');
    expect(generated.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);

    const echoed = await api().get('/auth/ping').set('X-Request-Id', 'trace-123');
    expect(echoed.headers['x-request-id']).to.equal('trace-123');

    const replaced = await api().get('/auth/ping').set('X-Request-Id', 'bad id\twith tab');
    expect(replaced.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
  });
});

describe('route matching', () => {
  // A path-based rule (a proxy's "block /docs", a guard on a prefix) must see the one spelling a
  // route answers to: another letter case or a trailing slash is no route at all.
  it('answers 404 to every documented operation spelled in another letter case or with a trailing slash', async () => {
    const agent = api({ AUTHJS_ADAPTER_SECRET: 'a-route-matching-adapter-secret-of-32-chars' });
    const operations = documentedOperations(buildOpenApiDocument());
    expect(operations.length).to.be.greaterThan(40);
    const answered: string[] = [];
    for (const operation of operations) {
      const [method = '', template = ''] = operation.split(' ');
      const path = template.replace(/\{(\w+)\}/g, 'x1');
      for (const variant of [path.toUpperCase(), `${path}/`, path.replace(/^\/(\w)/, (first) => first.toUpperCase())]) {
        if (variant === path) continue;
        const response = await agent[method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](variant);
        if (response.status !== 404) answered.push(`${method} ${variant}: ${response.status}`);
      }
    }
    expect(answered).to.deep.equal([]);
  });
});
