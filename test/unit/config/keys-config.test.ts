import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '../../../src/config';

const KEY = randomBytes(32);
const SECRET = randomBytes(32).toString('base64url');

function errorOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as Error).message;
  }
  return '';
}

describe('signing key and introspection settings', () => {
  it('requires KEY_ENCRYPTION_KEY and JWT_ISSUER with RS256/ES256, and no JWT_SECRET', () => {
    const message = errorOf({ NODE_ENV: 'production', JWT_ALGORITHM: 'ES256' });
    expect(message).to.include('KEY_ENCRYPTION_KEY').and.include('JWT_ISSUER').and.not.include('JWT_SECRET');
    const config = loadConfig({
      NODE_ENV: 'production',
      JWT_ALGORITHM: 'RS256',
      JWT_ISSUER: 'https://auth.example',
      KEY_ENCRYPTION_KEY: KEY.toString('hex'),
    });
    expect(config.keys.encryptionKey?.equals(KEY)).to.equal(true);
  });

  it('takes the encryption key as 64 hex digits or base64 of 32 bytes, and nothing else', () => {
    const base = { JWT_ALGORITHM: 'RS256', JWT_ISSUER: 'https://auth.example' };
    for (const encoded of [KEY.toString('base64'), KEY.toString('base64url'), KEY.toString('hex')]) {
      expect(loadConfig({ ...base, KEY_ENCRYPTION_KEY: encoded }).keys.encryptionKey?.equals(KEY), encoded).to.equal(
        true,
      );
    }
    for (const wrong of [randomBytes(16).toString('base64'), randomBytes(31).toString('hex'), 'not a key']) {
      expect(errorOf({ ...base, KEY_ENCRYPTION_KEY: wrong }), wrong).to.include('KEY_ENCRYPTION_KEY must be 32 bytes');
    }
  });

  it('does not need KEY_ENCRYPTION_KEY with a PEM file', () => {
    const config = loadConfig({ JWT_ALGORITHM: 'ES256', JWT_ISSUER: 'i', JWT_PRIVATE_KEY_FILE: '/etc/auth/key.pem' });
    expect(config.keys).to.include({ encryptionKey: null, privateKeyFile: '/etc/auth/key.pem' });
  });

  it('reads INTROSPECTION_CLIENTS and refuses a secret under 32 bytes, a bad id or a repeated one', () => {
    const config = loadConfig({ INTROSPECTION_CLIENTS: `orders:${SECRET},billing:${SECRET}:with:colons` });
    expect(config.introspectionClients).to.deep.equal([
      { id: 'orders', secret: SECRET },
      { id: 'billing', secret: `${SECRET}:with:colons` },
    ]);
    expect(errorOf({ INTROSPECTION_CLIENTS: 'orders:short' })).to.include('at least 32 bytes');
    expect(errorOf({ INTROSPECTION_CLIENTS: `or ders:${SECRET}` })).to.include('id:secret pairs');
    expect(errorOf({ INTROSPECTION_CLIENTS: `a:${SECRET},a:${SECRET}` })).to.include('names a client twice');
  });
});
