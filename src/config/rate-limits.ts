import Joi from 'joi';
import { withDefault, type ConfigKey, type ValuesOf } from './declare';

/** Attempts allowed per window, per client IP or per account; shared by every instance (MySQL or Redis). */
export interface RateLimitSettings {
  windowSeconds: number;
  signupPerIp: number;
  loginPerIp: number;
  /** Failed logins of one email in a row; a success resets the count. */
  loginFailuresPerAccount: number;
  refreshPerIp: number;
  passwordPerIp: number;
  /** Wrong current passwords of one user in a row; a success resets the count. */
  passwordFailuresPerAccount: number;
  /** Requests to /adapter with a missing or wrong X-Auth-Secret. */
  adapterSecretFailuresPerIp: number;
  /** Starts of an OpenID sign-in (each costs a row and, at the callback, a call to the provider). */
  oidcLoginPerIp: number;
  /** Exchanges of one-time sign-in codes, right or wrong. */
  oidcExchangePerIp: number;
  /** Reset and verification mails asked for, per IP and per account (email or user). */
  mailPerIp: number;
  mailPerAccount: number;
  /** Reset and verification tokens presented, right or wrong. */
  emailTokenPerIp: number;
}

/** Attempts per window: at least 1, so a limit can never lock everyone out by configuration. */
const attemptsPerWindow = (defaultValue: number, description: string): ConfigKey<number> =>
  withDefault(Joi.number().integer().min(1).max(1_000_000_000).unit('attempts').description(description), defaultValue);

export const RATE_LIMIT_KEYS = {
  RATE_LIMIT_WINDOW_SECONDS: withDefault(
    Joi.number()
      .integer()
      .min(1)
      .max(86_400)
      .unit('seconds')
      .description(
        'Rate-limit window; every limit below counts attempts within one window, shared by all instances via MySQL (Redis when REDIS_URL is set).',
      ),
    900,
  ),
  RATE_LIMIT_SIGNUP_PER_IP: attemptsPerWindow(20, 'Signups per client IP per window.'),
  RATE_LIMIT_LOGIN_PER_IP: attemptsPerWindow(100, 'Login attempts per client IP per window.'),
  RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: attemptsPerWindow(
    10,
    'Failed logins per email per window, whatever the IPs they come from; a success resets the count.',
  ),
  RATE_LIMIT_REFRESH_PER_IP: attemptsPerWindow(600, 'Refreshes per client IP per window.'),
  RATE_LIMIT_PASSWORD_PER_IP: attemptsPerWindow(20, 'Password changes per client IP per window.'),
  RATE_LIMIT_PASSWORD_FAILURES_PER_ACCOUNT: attemptsPerWindow(
    5,
    'Wrong current passwords per user per window; a success resets the count.',
  ),
  RATE_LIMIT_ADAPTER_SECRET_FAILURES_PER_IP: attemptsPerWindow(
    20,
    'Requests to /adapter with a missing or wrong X-Auth-Secret per client IP per window; past it, 429.',
  ),
  RATE_LIMIT_OIDC_LOGIN_PER_IP: attemptsPerWindow(100, 'OpenID sign-in starts per client IP per window.'),
  RATE_LIMIT_OIDC_EXCHANGE_PER_IP: attemptsPerWindow(100, 'One-time sign-in code exchanges per client IP per window.'),
  RATE_LIMIT_MAIL_PER_IP: attemptsPerWindow(
    20,
    'Password-reset and verification mails asked for per client IP per window.',
  ),
  RATE_LIMIT_MAIL_PER_ACCOUNT: attemptsPerWindow(
    5,
    'Password-reset and verification mails asked for per account per window (unknown emails count alike).',
  ),
  RATE_LIMIT_EMAIL_TOKEN_PER_IP: attemptsPerWindow(
    20,
    'Password-reset and email-verification tokens presented per client IP per window.',
  ),
};

export function rateLimitSettings(raw: ValuesOf<typeof RATE_LIMIT_KEYS>): Readonly<RateLimitSettings> {
  return {
    windowSeconds: raw.RATE_LIMIT_WINDOW_SECONDS,
    signupPerIp: raw.RATE_LIMIT_SIGNUP_PER_IP,
    loginPerIp: raw.RATE_LIMIT_LOGIN_PER_IP,
    loginFailuresPerAccount: raw.RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT,
    refreshPerIp: raw.RATE_LIMIT_REFRESH_PER_IP,
    passwordPerIp: raw.RATE_LIMIT_PASSWORD_PER_IP,
    passwordFailuresPerAccount: raw.RATE_LIMIT_PASSWORD_FAILURES_PER_ACCOUNT,
    adapterSecretFailuresPerIp: raw.RATE_LIMIT_ADAPTER_SECRET_FAILURES_PER_IP,
    oidcLoginPerIp: raw.RATE_LIMIT_OIDC_LOGIN_PER_IP,
    oidcExchangePerIp: raw.RATE_LIMIT_OIDC_EXCHANGE_PER_IP,
    mailPerIp: raw.RATE_LIMIT_MAIL_PER_IP,
    mailPerAccount: raw.RATE_LIMIT_MAIL_PER_ACCOUNT,
    emailTokenPerIp: raw.RATE_LIMIT_EMAIL_TOKEN_PER_IP,
  };
}
