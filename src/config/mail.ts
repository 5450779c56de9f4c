import Joi from 'joi';
import { secret, withDefault, type ValuesOf } from './declare';

export interface MailSettings {
  mail: {
    /** null: no SMTP server; mail is logged (development and test) or refused with 503 (production). */
    smtpUrl: string | null;
    from: string;
    /** Link templates; `{token}` is replaced by the token. */
    passwordResetUrl: string;
    emailVerifyUrl: string;
    passwordResetTtlSeconds: number;
    emailVerifyTtlSeconds: number;
  };
}

/** A link template: an http(s) URL that contains `{token}` (checked before the URL rule sees the braces). */
const linkTemplate = (description: string): Joi.StringSchema =>
  Joi.string()
    .pattern(/\{token\}/, { name: '{token}' })
    .custom((value: string, helpers) => {
      const { error } = Joi.string()
        .uri({ scheme: ['http', 'https'] })
        .validate(value.replace('{token}', 'token'));
      return error === undefined ? value : helpers.error('string.uri');
    })
    .messages({ 'string.pattern.name': '{{#label}} must contain {{#name}}' })
    .description(description);

/** Password-reset and email-verification mail (see docs/reference/mail.md). */
export const MAIL_KEYS = {
  // A secret: the URL may carry the SMTP password.
  SMTP_URL: secret(
    Joi.string()
      .uri({ scheme: ['smtp', 'smtps'] })
      .description(
        'SMTP server for reset and verification mail (smtp[s]://[user:password@]host[:port]); unset: mail is ' +
          'logged, token included, outside production, and refused with 503 MAIL_UNAVAILABLE in production.',
      ),
  ),
  MAIL_FROM: withDefault(
    Joi.string().max(320).description('The From of every mail, e.g. `Example <no-reply@example.com>`.'),
    'no-reply@localhost',
  ),
  PASSWORD_RESET_URL: withDefault(
    linkTemplate(
      'The link a reset mail carries; `{token}` becomes the token your front end sends to /auth/password/reset.',
    ),
    'http://localhost:5173/reset-password?token={token}',
  ),
  EMAIL_VERIFY_URL: withDefault(
    linkTemplate(
      'The link a verification mail carries; `{token}` becomes the token your front end sends to /auth/email/verify.',
    ),
    'http://localhost:5173/verify-email?token={token}',
  ),
  PASSWORD_RESET_TTL_SECONDS: withDefault(
    Joi.number().integer().min(60).max(86_400).unit('seconds').description('How long a password-reset token works.'),
    1800,
  ),
  EMAIL_VERIFY_TTL_SECONDS: withDefault(
    Joi.number()
      .integer()
      .min(60)
      .max(604_800)
      .unit('seconds')
      .description('How long an email-verification token works.'),
    86_400,
  ),
};

export function mailSettings(raw: ValuesOf<typeof MAIL_KEYS>): Readonly<MailSettings> {
  return {
    mail: Object.freeze({
      smtpUrl: raw.SMTP_URL ?? null,
      from: raw.MAIL_FROM,
      passwordResetUrl: raw.PASSWORD_RESET_URL,
      emailVerifyUrl: raw.EMAIL_VERIFY_URL,
      passwordResetTtlSeconds: raw.PASSWORD_RESET_TTL_SECONDS,
      emailVerifyTtlSeconds: raw.EMAIL_VERIFY_TTL_SECONDS,
    }),
  };
}
