import Joi from 'joi';
import { CASE_MESSAGES } from '../errors/catalogue';
import { looksLikeJwt } from '../services/token-shapes';

/** bcrypt reads at most 72 bytes of a password; anything past that would be silently ignored. */
const BCRYPT_MAX_BYTES = 72;

// ASCII only: the users.email collation equates accented, full-width and zero-width variants with
// the plain address, so Unicode spellings of one account would each get a fresh rate-limit counter.
const email = Joi.string().trim().lowercase().max(254).email({ tlds: false, allowUnicode: false });

/** A password of `minBytes`..72 UTF-8 bytes. Checked as bytes, since that is what bcrypt sees. */
function password(minBytes: number): Joi.StringSchema {
  return Joi.string()
    .custom((value: string, helpers) => {
      const bytes = Buffer.byteLength(value, 'utf8');
      if (bytes < minBytes) return helpers.error('password.short');
      if (bytes > BCRYPT_MAX_BYTES) return helpers.error('password.long');
      // bcrypt stops at the first NUL byte: "secret\0x" would hash like "secret".
      if (value.includes('\0')) return helpers.error('password.nul');
      return value;
    })
    .messages({
      'password.short': `{{#label}} must be at least ${minBytes} bytes`,
      'password.long': `{{#label}} must be at most ${BCRYPT_MAX_BYTES} bytes (UTF-8)`,
      'password.nul': '{{#label}} must not contain NUL characters',
    });
}

export interface SignupInput {
  email: string;
  password: string;
  name: string;
}

export const signupSchema = Joi.object<SignupInput, true>({
  email: email.required(),
  password: password(8).required(),
  name: Joi.string().trim().min(1).max(100).required(),
}).required();

export interface LoginInput {
  email: string;
  password: string;
}

// Login accepts any stored password length (the policy may have changed since signup), but still
// refuses more than 72 bytes: bcrypt would otherwise accept "<password><anything>".
export const loginSchema = Joi.object<LoginInput, true>({
  email: email.required(),
  password: password(1).required(),
}).required();

export interface RefreshInput {
  /** Required, except with cookie transport, where the refresh cookie may carry it instead. */
  refresh_token?: string;
}

/** Refresh tokens are 66 characters; 128 leaves room for a longer format without a migration. */
const REFRESH_TOKEN_MAX_LENGTH = 128;

// An access token sent here is a mix-up worth naming, not a length problem: checked first, alone.
const refreshToken = Joi.string()
  .custom((value: string, helpers) => {
    if (looksLikeJwt(value)) return helpers.error('refreshToken.jwt');
    if (value.length > REFRESH_TOKEN_MAX_LENGTH)
      return helpers.error('string.max', { limit: REFRESH_TOKEN_MAX_LENGTH });
    return value;
  })
  .messages({ 'refreshToken.jwt': CASE_MESSAGES.accessTokenAsRefreshToken });

export const refreshSchema = Joi.object<RefreshInput, true>({
  refresh_token: refreshToken,
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
