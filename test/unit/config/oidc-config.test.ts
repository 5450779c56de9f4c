import { expect } from 'chai';
import { configKeysFor, ConfigError, loadConfig } from '../../../src/config';
import { unknownKeyWarnings } from '../../../src/config/unknown-keys';

const GOOGLE = {
  OIDC_PROVIDERS: 'google',
  OIDC_GOOGLE_ISSUER: 'https://accounts.google.com',
  OIDC_GOOGLE_CLIENT_ID: 'client-id',
  OIDC_GOOGLE_CLIENT_SECRET: 'client-secret',
  PUBLIC_URL: 'https://auth.example.com',
  OIDC_REDIRECT_ALLOWLIST: 'https://app.example.com/signed-in, https://app.example.com/other',
};

describe('OpenID Connect configuration', () => {
  it('has no providers by default', () => {
    expect(loadConfig({}).oidc).to.deep.equal({ publicUrl: null, redirectAllowlist: [], providers: [] });
  });

  it('reads each listed provider from its OIDC_<NAME>_… keys, with the default scopes', () => {
    const { oidc } = loadConfig(GOOGLE);
    expect(oidc.publicUrl).to.equal('https://auth.example.com');
    expect(oidc.redirectAllowlist).to.deep.equal([
      'https://app.example.com/signed-in',
      'https://app.example.com/other',
    ]);
    expect(oidc.providers).to.have.length(1);
    expect(oidc.providers[0]).to.deep.include({
      name: 'google',
      clientId: 'client-id',
      clientSecret: 'client-secret',
      scopes: 'openid email profile',
    });
    expect(oidc.providers[0]?.issuer.href).to.equal('https://accounts.google.com/');
  });

  it('stops startup naming every missing key of a listed provider', () => {
    expect(() => loadConfig({ OIDC_PROVIDERS: 'google,corp' })).to.throw(
      ConfigError,
      /PUBLIC_URL is required; OIDC_REDIRECT_ALLOWLIST is required; OIDC_GOOGLE_ISSUER is required; OIDC_GOOGLE_CLIENT_ID is required; OIDC_GOOGLE_CLIENT_SECRET is required; OIDC_CORP_ISSUER is required/,
    );
  });

  it('refuses a non-https issuer or PUBLIC_URL in production, and allows them elsewhere', () => {
    const plain = { ...GOOGLE, OIDC_GOOGLE_ISSUER: 'http://idp.internal', PUBLIC_URL: 'http://auth.internal' };
    expect(loadConfig(plain).oidc.providers[0]?.issuer.protocol).to.equal('http:');
    expect(() =>
      loadConfig({ ...plain, NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(20) + 'abcdefghijklmnop' }),
    ).to.throw(
      ConfigError,
      /^invalid configuration: PUBLIC_URL must be an https:\/\/ URL in production; OIDC_GOOGLE_ISSUER must be an https:\/\/ URL in production$/,
    );
  });

  it('refuses bad names, scopes without openid, and allowlist entries that are not plain URLs', () => {
    expect(() => loadConfig({ OIDC_PROVIDERS: 'Google' })).to.throw(ConfigError, /OIDC_PROVIDERS entry "Google"/);
    expect(() => loadConfig({ ...GOOGLE, OIDC_GOOGLE_SCOPES: 'email profile' })).to.throw(
      ConfigError,
      /OIDC_GOOGLE_SCOPES/,
    );
    expect(() => loadConfig({ ...GOOGLE, OIDC_REDIRECT_ALLOWLIST: 'https://app.example.com/#x' })).to.throw(
      ConfigError,
      /OIDC_REDIRECT_ALLOWLIST entry/,
    );
    expect(() => loadConfig({ ...GOOGLE, PUBLIC_URL: 'https://auth.example.com/base' })).to.throw(
      ConfigError,
      /PUBLIC_URL must be an origin/,
    );
  });

  it("knows a listed provider's keys as settings, and suggests them for a misspelt provider", () => {
    const environment = { ...GOOGLE, OIDC_GOGLE_ISSUER: 'https://accounts.google.com' };
    expect(unknownKeyWarnings(environment, configKeysFor(environment))).to.deep.equal([
      'OIDC_GOGLE_ISSUER is not a setting of this server and is ignored; did you mean OIDC_GOOGLE_ISSUER?',
    ]);
  });
});
