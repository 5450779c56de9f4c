import { expect } from 'chai';
import { Sequelize } from 'sequelize';
import type { RateLimitSettings } from '../../../src/config';
import { accountKey, clientKey, createRateLimiter } from '../../../src/services/rate-limit.service';

const SETTINGS: RateLimitSettings = {
  windowSeconds: 60,
  signupPerIp: 2,
  loginPerIp: 2,
  loginFailuresPerAccount: 2,
  refreshPerIp: 2,
  passwordPerIp: 2,
  passwordFailuresPerAccount: 2,
  adapterSecretFailuresPerIp: 2,
  oidcLoginPerIp: 2,
  oidcExchangePerIp: 2,
  mailPerIp: 2,
  mailPerAccount: 2,
  emailTokenPerIp: 2,
};

describe('clientKey', () => {
  it('keeps an IPv4 address and unwraps an IPv4-mapped IPv6 one', () => {
    expect(clientKey('203.0.113.7')).to.equal('203.0.113.7');
    expect(clientKey('::ffff:203.0.113.7')).to.equal('203.0.113.7');
  });

  it('keys IPv6 by its /64, so addresses of one subscriber share a budget', () => {
    expect(clientKey('2001:db8:1:2::1')).to.equal('2001:db8:1:2::/64');
    expect(clientKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).to.equal('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:3::1')).to.equal('2001:db8:1:3::/64');
  });

  it('puts everything unparsable under one key', () => {
    expect(clientKey('')).to.equal('unknown');
    expect(clientKey('not-an-ip')).to.equal('unknown');
  });
});

describe('accountKey', () => {
  it('is a hash that does not contain the email', () => {
    const key = accountKey('someone@example.com');
    expect(key).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(key).to.equal(accountKey('someone@example.com'));
    expect(key).to.not.equal(accountKey('someone-else@example.com'));
  });
});

describe('createRateLimiter', () => {
  it('keeps limiting in memory, without throwing, when MySQL cannot be reached', async () => {
    // Nothing listens on port 1: every store call fails with a refused connection.
    const unreachable = new Sequelize('mysql://root@127.0.0.1:1/nowhere', {
      dialect: 'mysql',
      logging: false,
      pool: { max: 1, acquire: 2_000 },
      dialectOptions: { connectTimeout: 1_000 },
    });
    try {
      const limiter = createRateLimiter(SETTINGS, { sequelize: unreachable, queryTimeoutMs: 1_000 });
      const key = '203.0.113.9';
      const started = Date.now();
      const answers = [await limiter.consume('loginPerIp', key), await limiter.consume('loginPerIp', key)];
      await limiter.refund('loginPerIp', key);
      answers.push(await limiter.consume('loginPerIp', key), await limiter.consume('loginPerIp', key));
      await limiter.reset('loginPerIp', key);
      answers.push(await limiter.consume('loginPerIp', key));

      expect(answers.map((answer) => (answer === null ? 'allowed' : 'limited'))).to.deep.equal([
        'allowed',
        'allowed',
        'allowed',
        'limited',
        'allowed',
      ]);
      expect(answers[3]).to.be.within(1, 60);
      expect(Date.now() - started).to.be.below(5_000);
    } finally {
      await unreachable.close();
    }
  });
});
