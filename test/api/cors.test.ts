import { buildOpenApiDocument } from '../../src/openapi/document';
import { expect } from 'chai';
import { api } from '../support/factories';

const APP_ORIGIN = 'https://app.example.com';
const ALLOWED = { CORS_ORIGINS: `${APP_ORIGIN}, http://localhost:5173` };

function corsHeadersOf(headers: Record<string, unknown>): string[] {
  return Object.keys(headers).filter((name) => name.startsWith('access-control-'));
}

describe('CORS', () => {
  it('sends no CORS headers at all when CORS_ORIGINS is empty', async () => {
    const response = await api().get('/auth/ping').set('Origin', APP_ORIGIN);
    expect(response.status).to.equal(200);
    expect(corsHeadersOf(response.headers)).to.deep.equal([]);
    expect(response.headers).to.not.have.property('vary');
  });

  it('echoes an allowed origin exactly, with Vary: Origin and exposed headers, without credentials', async () => {
    const response = await api(ALLOWED).get('/auth/ping').set('Origin', 'http://localhost:5173');
    expect(response.status).to.equal(200);
    expect(response.headers['access-control-allow-origin']).to.equal('http://localhost:5173');
    expect(response.headers.vary).to.match(/\bOrigin\b/);
    expect(response.headers['access-control-expose-headers']).to.equal('X-Request-Id,Retry-After,WWW-Authenticate');
    expect(response.headers).to.not.have.property('access-control-allow-credentials');
  });

  it('allows credentials for an allowed origin only in cookie mode', async () => {
    const response = await api({ ...ALLOWED, COOKIE_MODE: 'true' })
      .get('/auth/ping')
      .set('Origin', APP_ORIGIN);
    expect(response.headers['access-control-allow-origin']).to.equal(APP_ORIGIN);
    expect(response.headers['access-control-allow-credentials']).to.equal('true');
  });

  it('keeps the CORS headers on error answers, so the page can read the error', async () => {
    const response = await api(ALLOWED).get('/auth/user').set('Origin', APP_ORIGIN);
    expect(response.status).to.equal(401);
    expect(response.body.error.code).to.equal('UNAUTHENTICATED');
    expect(response.headers['access-control-allow-origin']).to.equal(APP_ORIGIN);
  });

  for (const origin of ['https://evil.example.com', 'https://app.example.com.evil.net', 'null', `${APP_ORIGIN}/`]) {
    it(`sends no CORS headers to the origin "${origin}" and still answers the request`, async () => {
      const response = await api({ ...ALLOWED, COOKIE_MODE: 'true' })
        .get('/auth/ping')
        .set('Origin', origin);
      expect(response.status).to.equal(200);
      expect(response.body.status).to.equal('success');
      expect(corsHeadersOf(response.headers)).to.deep.equal([]);
    });
  }

  it('serves requests without an Origin (same-origin, curl) without CORS headers', async () => {
    const response = await api(ALLOWED).get('/auth/ping');
    expect(response.status).to.equal(200);
    expect(corsHeadersOf(response.headers)).to.deep.equal([]);
  });
});

describe('OPTIONS preflight', () => {
  it('answers 204 for an allowed origin with the allowed methods, headers and max age', async () => {
    const response = await api({ ...ALLOWED, COOKIE_MODE: 'true' })
      .options('/auth/logout')
      .set('Origin', APP_ORIGIN)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'x-csrf-token, content-type');
    expect(response.status).to.equal(204);
    expect(response.headers['access-control-allow-origin']).to.equal(APP_ORIGIN);
    expect(response.headers['access-control-allow-credentials']).to.equal('true');
    expect(response.headers['access-control-allow-methods']).to.equal('GET,HEAD,POST,PATCH,DELETE');
    expect(response.headers['access-control-allow-headers']).to.equal(
      'Authorization,Content-Type,X-CSRF-Token,X-Auth-Transport,X-Request-Id',
    );
    expect(response.headers['access-control-max-age']).to.equal('600');
  });

  it('allows every method a documented route answers', async () => {
    const response = await api(ALLOWED)
      .options('/admin/users/1')
      .set('Origin', APP_ORIGIN)
      .set('Access-Control-Request-Method', 'PATCH');
    const allowed = String(response.headers['access-control-allow-methods']).split(',');
    const documented = Object.values(buildOpenApiDocument().paths ?? {}).flatMap((operations) =>
      Object.keys(operations).filter((key) => ['get', 'post', 'put', 'patch', 'delete'].includes(key)),
    );
    for (const method of new Set(documented)) expect(allowed, method).to.include(method.toUpperCase());
  });

  it('gives a disallowed origin no CORS headers, so its browser never sends the real request', async () => {
    const response = await api(ALLOWED)
      .options('/auth/logout')
      .set('Origin', 'https://evil.example.com')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'x-csrf-token');
    expect(corsHeadersOf(response.headers)).to.deep.equal([]);
    expect(response.status).to.not.equal(204);
  });
});
