import Joi from 'joi';
import { CASE_MESSAGES } from '../errors/catalogue';
import { looksLikeJwt } from '../services/token-shapes';

/** bcrypt reads at most 72 bytes of a password; anything past that would be silently ignored. */
const BCRYPT_MAX_BYTES = 72;

// ASCII only: the users.email collation equates accented, full-width and zero-width variants with
// the plain address, so Unicode spellings of one account would each get a fresh rate-limit counter.
export const emailRule = Joi.string().trim().lowercase().max(254).email({ tlds: false, allowUnicode: false });

/**
 * An instant as ISO 8601, within what a MySQL DATETIME holds: a year 10000 or before 1000 would
 * otherwise pass here and fail as the database's error (a 500), or be ignored by a comparison.
 */
export const storableDate = Joi.date().iso().min('1000-01-01T00:00:00.000Z').max('9999-12-31T23:59:59.999Z');

/**
 * A password of `minBytes`..72 UTF-8 bytes, checked as bytes since that is what bcrypt sees. The
 * OpenAPI document is derived from these rules (src/openapi/joi-schema.ts): this is their one place.
 */
function password(minBytes: number): Joi.StringSchema {
  return (
    Joi.string()
      .min(minBytes, 'utf8')
      .max(BCRYPT_MAX_BYTES, 'utf8')
      // bcrypt stops at the first NUL byte: "secret\0x" would hash like "secret".
      // eslint-disable-next-line no-control-regex -- NUL is the very character this rule refuses.
      .pattern(/^[^\u0000]*$/, { name: 'no NUL character' })
      // One detail per password, for the first rule it breaks.
      .prefs({ abortEarly: true })
      .messages({
        'string.min': '{{#label}} must be at least {{#limit}} bytes',
        'string.max': '{{#label}} must be at most {{#limit}} bytes (UTF-8)',
        'string.pattern.name': '{{#label}} must not contain NUL characters',
      })
      .description('bcrypt reads only 72 bytes and stops at a NUL, so a longer password is refused, not truncated.')
  );
}

/**
 * Characters a name must not hold: control characters (a line break forges a line in a log or a CSV
 * export) and the bidirectional overrides and isolates, which make text show in another order than
 * it is stored ("Trojan Source", CVE-2021-42574) in every admin screen that lists users.
 */
// Unicode's Cc category (C0, DEL, C1), and U+202A-U+202E and U+2066-U+2069.
const UNDISPLAYABLE = '\\u0000-\\u001f\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069';

const UNDISPLAYABLE_ANYWHERE = new RegExp(`[${UNDISPLAYABLE}]`, 'g');

/** `text` without the characters a name must not hold: for a name an OpenID provider sends. */
export function displayable(text: string): string {
  return text.replace(UNDISPLAYABLE_ANYWHERE, '');
}

/**
 * A name Auth.js passes on from a provider's profile: those characters are dropped, not refused, as
 * for OpenID sign-in here, since the user cannot change what their provider sends.
 */
export const providerNameRule = Joi.string()
  .custom((value: string) => displayable(value), 'Control and bidirectional-override characters are dropped.')
  .max(100);

/** A user's display name, as signup and the admin API accept it: never empty. */
export const nameRule = Joi.string()
  .trim()
  .min(1)
  .max(100)
  .pattern(new RegExp(`^[^${UNDISPLAYABLE}]*$`), { name: 'no control or bidirectional-override character' })
  .messages({ 'string.pattern.name': '{{#label}} must not contain control or bidirectional-override characters' });

/** A new password, as signup and `--create-admin` accept it. */
export const newPasswordRule = password(8);

export interface SignupInput {
  email: string;
  password: string;
  name: string;
}

export const signupSchema = Joi.object<SignupInput, true>({
  email: emailRule.required(),
  password: newPasswordRule.required(),
  name: nameRule.required(),
}).required();

export interface LoginInput {
  email: string;
  password: string;
}

// Login accepts any stored password length (the policy may have changed since signup), but still
// refuses more than 72 bytes: bcrypt would otherwise accept "<password><anything>".
export const loginSchema = Joi.object<LoginInput, true>({
  email: emailRule.required(),
  password: password(1).required(),
}).required();

export interface RefreshInput {
  refresh_token?: string;
}

// Optional here because cookie transport may carry it; the controller requires it otherwise. An
// access token sent here is a mix-up worth naming, not a length problem: that rule comes first, alone.
export const refreshSchema = Joi.object<RefreshInput, true>({
  refresh_token: Joi.string()
    .custom(
      (value: string, helpers) => (looksLikeJwt(value) ? helpers.error('refreshToken.jwt') : value),
      'An access token (a JWT) is refused as not a refresh token.',
    )
    .max(128)
    .prefs({ abortEarly: true })
    .messages({ 'refreshToken.jwt': CASE_MESSAGES.accessTokenAsRefreshToken })
    .description('Required, unless X-Auth-Transport: cookie and the refresh cookie carry it.'),
}).required();

export type LogoutScope = 'current' | 'others' | 'all';

export interface LogoutInput {
  scope: LogoutScope;
}

/** An empty body (or none) means the current session, as logout always meant. */
export const logoutSchema = Joi.object<LogoutInput, true>({
  scope: Joi.string().valid('current', 'others', 'all').default('current'),
}).required();

export interface PasswordChangeInput {
  current_password: string;
  new_password: string;
}

export const passwordChangeSchema = Joi.object<PasswordChangeInput, true>({
  current_password: password(1).required(),
  new_password: password(8).required(),
}).required();

export interface SessionParams {
  id: string;
}

// Any string: an id that is not one of the caller's live sessions is 404 SESSION_NOT_FOUND, not 400.
export const sessionParamsSchema = Joi.object<SessionParams, true>({
  id: Joi.string().required().description('A session id from GET /auth/sessions.'),
}).required();
