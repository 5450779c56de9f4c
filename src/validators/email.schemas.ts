import Joi from 'joi';
import { emailRule, newPasswordRule } from './auth.schemas';

/** A token from a mailed link: 256 random bits in base64url; anything else is simply not one of ours. */
const mailedToken = Joi.string()
  .max(128)
  .description('The token from the link the mail carried (the `{token}` of PASSWORD_RESET_URL or EMAIL_VERIFY_URL).');

export interface PasswordForgotInput {
  email: string;
}

export const passwordForgotSchema = Joi.object<PasswordForgotInput, true>({
  email: emailRule.required(),
}).required();

export interface PasswordResetInput {
  token: string;
  new_password: string;
}

// The same password rules as signup and a password change.
export const passwordResetSchema = Joi.object<PasswordResetInput, true>({
  token: mailedToken.required(),
  new_password: newPasswordRule.required(),
}).required();

export interface EmailVerifyInput {
  token: string;
}

export const emailVerifySchema = Joi.object<EmailVerifyInput, true>({
  token: mailedToken.required(),
}).required();
