import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../src/config';

const STRONG_SECRET = 'k7Qv2mZp9xLr4TnWb8YcJd3HsFg6AeRu';

describe('loadConfig', () => {
  it('turns the Auth.js adapter on only with AUTHJS_ADAPTER_SECRET of at least 32 bytes', () => {
    expect(loadConfig({}).authjsAdapter).to.equal(null);
    const secret = STRONG_SECRET;
    expect(loadConfig({ AUTHJS_ADAPTER_SECRET: secret }).authjsAdapter).to.deep.equal({ secret });
    expect(() => loadConfig({ AUTHJS_ADAPTER_SECRET: secret.slice(1) })).to.throw(
      'AUTHJS_ADAPTER_SECRET must be at least 32 bytes',
    );
  });

  it('works with no configuration at all in development, with the documented defaults', () => {
    const config = loadConfig({});
    expect(config).to.deep.include({
      env: 'development',
      host: '127.0.0.1',
      port: 3000,
      databaseUrl: 'mysql://root@127.0.0.1:3306/auth_dev',
      bcryptRounds: 12,
      logLevel: 'info',
    });
    expect(config.jwt).to.deep.equal({
      secret: null,
      algorithm: 'HS256',
      expiresInSeconds: 900,
      issuer: null,
      audience: null,
      clockToleranceSeconds: 0,
    });
    expect(config.database).to.deep.equal({ host: '127.0.0.1', port: 3306, user: 'root', database: 'auth_dev' });
    expect(Object.isFrozen(config)).to.equal(true);
  });

  it('uses TEST_DATABASE_URL under NODE_ENV=test', () => {
    const config = loadConfig({ NODE_ENV: 'test', TEST_DATABASE_URL: 'mysql://u:p@db.internal/auth_ci' });
    expect(config.databaseUrl).to.equal('mysql://u:p@db.internal/auth_ci');
    expect(config.database).to.deep.equal({ host: 'db.internal', port: 3306, user: 'u', database: 'auth_ci' });
  });

  it('treats empty values as unset, so a copied .env.example behaves like no .env', () => {
    expect(loadConfig({ PORT: '', JWT_SECRET: '' }).port).to.equal(3000);
  });

  it('refuses to start in production without a secret', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).to.throw(ConfigError, 'JWT_SECRET is required');
  });

  it('refuses a secret shorter than 32 bytes in any environment', () => {
    expect(() => loadConfig({ JWT_SECRET: 'topsecret' })).to.throw(ConfigError, 'JWT_SECRET must be at least 32 bytes');
  });

  it('refuses a long secret made of a few repeated characters', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'ab'.repeat(32) })).to.throw(
      ConfigError,
      'JWT_SECRET must not be a repetition',
    );
  });

  it('accepts a strong secret in production', () => {
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: STRONG_SECRET }).jwt.secret).to.equal(STRONG_SECRET);
  });

  it('names every bad key in one error', () => {
    const attempt = () =>
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'postgres://x/y', BCRYPT_ROUNDS: '4', JWT_ALGORITHM: 'EdDSA' });
    expect(attempt).to.throw(ConfigError);
    try {
      attempt();
    } catch (error) {
      const { message } = error as ConfigError;
      for (const key of ['PORT', 'DATABASE_URL', 'BCRYPT_ROUNDS', 'JWT_ALGORITHM']) expect(message).to.include(key);
    }
  });

  it('allows 4 bcrypt rounds only under NODE_ENV=test', () => {
    expect(loadConfig({ NODE_ENV: 'test', BCRYPT_ROUNDS: '4' }).bcryptRounds).to.equal(4);
    expect(() => loadConfig({ BCRYPT_ROUNDS: '9' })).to.throw(ConfigError, 'BCRYPT_ROUNDS');
  });

  it('bounds every wait for MySQL by default, so an outage fails fast', () => {
    expect(loadConfig({}).databasePool).to.deep.equal({
      maxConnections: 10,
      connectTimeoutMs: 2000,
      acquireTimeoutMs: 3000,
      queryTimeoutMs: 5000,
    });
  });

  it('reads the MySQL pool bounds and refuses ones that would disable them', () => {
    const config = loadConfig({
      DB_POOL_MAX: '4',
      DB_CONNECT_TIMEOUT_MS: '500',
      DB_ACQUIRE_TIMEOUT_MS: '700',
      DB_QUERY_TIMEOUT_MS: '900',
    });
    expect(config.databasePool).to.deep.equal({
      maxConnections: 4,
      connectTimeoutMs: 500,
      acquireTimeoutMs: 700,
      queryTimeoutMs: 900,
    });
    for (const key of ['DB_POOL_MAX', 'DB_CONNECT_TIMEOUT_MS', 'DB_ACQUIRE_TIMEOUT_MS', 'DB_QUERY_TIMEOUT_MS']) {
      expect(() => loadConfig({ [key]: '0' }), key).to.throw(ConfigError, key);
    }
  });

  it('requires a database name in the URL', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://root@127.0.0.1:3306' })).to.throw(ConfigError, 'DATABASE_URL');
  });

  it('defaults to no cookie mode, Secure host-only cookies, and no CORS origins', () => {
    const config = loadConfig({});
    expect(config.cookies).to.deep.equal({ enabled: false, secure: true, domain: null });
    expect(config.cors.origins).to.deep.equal([]);
  });

  it('reads the cookie keys', () => {
    const config = loadConfig({ COOKIE_MODE: 'true', COOKIE_SECURE: 'false', COOKIE_DOMAIN: 'example.com' });
    expect(config.cookies).to.deep.equal({ enabled: true, secure: false, domain: 'example.com' });
  });

  it('refuses COOKIE_SECURE=false in production', () => {
    const env = { NODE_ENV: 'production', JWT_SECRET: STRONG_SECRET, COOKIE_SECURE: 'false' };
    expect(() => loadConfig(env)).to.throw(ConfigError, 'COOKIE_SECURE must be true in production');
  });

  it('refuses a COOKIE_DOMAIN that is not a domain name', () => {
    expect(() => loadConfig({ COOKIE_DOMAIN: 'https://example.com' })).to.throw(ConfigError, 'COOKIE_DOMAIN');
  });

  it('splits CORS_ORIGINS on commas, trims and de-duplicates', () => {
    const config = loadConfig({
      CORS_ORIGINS: ' https://app.example.com,http://localhost:5173 ,https://app.example.com,',
    });
    expect(config.cors.origins).to.deep.equal(['https://app.example.com', 'http://localhost:5173']);
    expect(Object.isFrozen(config.cors.origins)).to.equal(true);
  });

  for (const origin of [
    '*',
    'https://app.example.com/',
    'https://app.example.com/app',
    'ftp://files.example.com',
    'https://App.example.com',
    'app.example.com',
  ]) {
    it(`refuses "${origin}" in CORS_ORIGINS: only exact origins`, () => {
      expect(() => loadConfig({ CORS_ORIGINS: `https://ok.example.com,${origin}` })).to.throw(
        ConfigError,
        `CORS_ORIGINS entry "${origin}" must be an origin`,
      );
    });
  }
  it('limits by default and trusts no proxy, with the documented defaults', () => {
    const config = loadConfig({});
    expect(config.proxy).to.deep.equal({ trusted: false, hops: 1 });
    expect(config.rateLimits).to.deep.equal({
      windowSeconds: 900,
      signupPerIp: 20,
      loginPerIp: 100,
      loginFailuresPerAccount: 10,
      refreshPerIp: 600,
      passwordPerIp: 20,
      passwordFailuresPerAccount: 5,
      adapterSecretFailuresPerIp: 20,
      oidcLoginPerIp: 100,
      oidcExchangePerIp: 100,
      mailPerIp: 20,
      mailPerAccount: 5,
      emailTokenPerIp: 20,
    });
  });

  it('reads TRUST_PROXY and the rate limits, and refuses a limit of 0', () => {
    const config = loadConfig({ TRUST_PROXY: 'true', TRUST_PROXY_HOPS: '2', RATE_LIMIT_LOGIN_PER_IP: '7' });
    expect(config.proxy).to.deep.equal({ trusted: true, hops: 2 });
    expect(config.rateLimits.loginPerIp).to.equal(7);
    expect(() => loadConfig({ RATE_LIMIT_SIGNUP_PER_IP: '0', TRUST_PROXY: 'maybe' })).to.throw(
      ConfigError,
      /TRUST_PROXY must be a boolean; RATE_LIMIT_SIGNUP_PER_IP must be greater than or equal to 1/,
    );
  });
});
