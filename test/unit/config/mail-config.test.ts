import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../src/config';

describe('loadConfig: mail', () => {
  it('defaults to no SMTP, links to a local front end, 30 minutes for a reset and a day for a verification', () => {
    expect(loadConfig({}).mail).to.deep.equal({
      smtpUrl: null,
      from: 'no-reply@localhost',
      passwordResetUrl: 'http://localhost:5173/reset-password?token={token}',
      emailVerifyUrl: 'http://localhost:5173/verify-email?token={token}',
      passwordResetTtlSeconds: 1800,
      emailVerifyTtlSeconds: 86_400,
    });
  });

  it('reads SMTP_URL, MAIL_FROM, the link templates and the lifetimes', () => {
    const config = loadConfig({
      SMTP_URL: 'smtps://user:secret@mail.example.com:465',
      MAIL_FROM: 'Example <no-reply@example.com>',
      PASSWORD_RESET_URL: 'https://app.example.com/reset/{token}',
      EMAIL_VERIFY_URL: 'https://app.example.com/verify#{token}',
      PASSWORD_RESET_TTL_SECONDS: '600',
      EMAIL_VERIFY_TTL_SECONDS: '3600',
    });
    expect(config.mail).to.deep.equal({
      smtpUrl: 'smtps://user:secret@mail.example.com:465',
      from: 'Example <no-reply@example.com>',
      passwordResetUrl: 'https://app.example.com/reset/{token}',
      emailVerifyUrl: 'https://app.example.com/verify#{token}',
      passwordResetTtlSeconds: 600,
      emailVerifyTtlSeconds: 3600,
    });
  });

  it('names every bad key at once: a template without {token} or not http(s), an SMTP_URL of another scheme', () => {
    const load = () =>
      loadConfig({
        SMTP_URL: 'http://mail.example.com',
        PASSWORD_RESET_URL: 'https://app.example.com/reset',
        EMAIL_VERIFY_URL: 'javascript:alert({token})',
        PASSWORD_RESET_TTL_SECONDS: '10',
      });
    expect(load).to.throw(ConfigError);
    expect(load).to.throw(
      /SMTP_URL.*PASSWORD_RESET_URL must contain \{token\}.*EMAIL_VERIFY_URL.*PASSWORD_RESET_TTL_SECONDS/,
    );
  });
});
