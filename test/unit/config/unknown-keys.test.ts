import { expect } from 'chai';
import { CONFIG_KEYS } from '../../../src/config';
import { unknownKeyWarnings } from '../../../src/config/unknown-keys';

const SECRET_VALUE = 'do-not-print-me-0123456789';

describe('unknownKeyWarnings', () => {
  it('names a misspelt key and the key it likely meant, never its value', () => {
    const warnings = unknownKeyWarnings(
      { JWT_SECERT: SECRET_VALUE, RATE_LIMIT_LOGIN_PERIP: '5', jwt_secret: SECRET_VALUE },
      CONFIG_KEYS,
    );
    expect(warnings).to.deep.equal([
      'JWT_SECERT is not a setting of this server and is ignored; did you mean JWT_SECRET?',
      'RATE_LIMIT_LOGIN_PERIP is not a setting of this server and is ignored; did you mean RATE_LIMIT_LOGIN_PER_IP?',
      'jwt_secret is not a setting of this server and is ignored; did you mean JWT_SECRET?',
    ]);
    expect(warnings.join('\n')).to.not.include(SECRET_VALUE);
  });

  it('suggests each key for a typo of it (a letter dropped, neighbours swapped, lower case)', () => {
    for (const key of CONFIG_KEYS) {
      const middle = Math.floor(key.length / 2);
      const typos = [
        `${key.slice(0, middle)}${key.slice(middle + 1)}`,
        `${key.slice(0, middle - 1)}${key[middle] ?? ''}${key[middle - 1] ?? ''}${key.slice(middle + 1)}`,
        key.toLowerCase(),
      ].filter((typo) => typo !== key);
      for (const typo of typos) {
        expect(unknownKeyWarnings({ [typo]: 'x' }, CONFIG_KEYS), typo).to.deep.equal([
          `${typo} is not a setting of this server and is ignored; did you mean ${key}?`,
        ]);
      }
    }
  });

  it('lists the family for a key that starts like several of ours but is close to none', () => {
    expect(unknownKeyWarnings({ DB_HOST: 'db.internal' }, CONFIG_KEYS)).to.deep.equal([
      'DB_HOST is not a setting of this server and is ignored; the DB_… settings are ' +
        'DB_POOL_MAX, DB_CONNECT_TIMEOUT_MS, DB_ACQUIRE_TIMEOUT_MS, DB_QUERY_TIMEOUT_MS',
    ]);
  });

  it('says nothing of our own keys or of other programs’ variables', () => {
    const environment = Object.fromEntries(
      [
        ...CONFIG_KEYS,
        'PATH',
        'HOME',
        'HOSTNAME',
        'NODE_OPTIONS',
        'NODE_PATH',
        'LOGNAME',
        'TEST_FOO',
        'npm_config_cache',
      ].map((key) => [key, 'x']),
    );
    expect(unknownKeyWarnings(environment, CONFIG_KEYS)).to.deep.equal([]);
  });
});
