import type { PathsObject, ResponseObject } from 'openapi3-ts/oas31';
import { RESET_MAIL_ANSWER } from '../controllers/email.controller';
import type { ErrorDetail } from '../errors/app-error';
import { emailVerifySchema, passwordForgotSchema, passwordResetSchema } from '../validators/email.schemas';
import { sampleUser } from './examples';
import { jsonBody } from './request-bodies';
import {
  bodyErrors,
  errorExample,
  errorExamples,
  errorResponse,
  invalidBody,
  jsonResponse,
  responseRef,
} from './responses';
import { schemaRef } from './schemas';
import { csrfHeader, rateLimits } from './transport';

const sampleToken = 'q3Rk8vN2xT5wZ9bC1eG4hJ7mP0sU3yA6dF8iL2nQ5rV';

const message = (status: string, name: string, text: string) =>
  jsonResponse(status, schemaRef('Message'), { [name]: { value: { message: text } } });

/** The 400 of a route that takes a mailed token: a bad body, or a token that is not (or no longer) good. */
function tokenRefused(invalid: ErrorDetail[], code: 'RESET_TOKEN_INVALID' | 'VERIFY_TOKEN_INVALID'): ResponseObject {
  return errorResponse('The body is not valid, or the token is unknown, used, expired or of the other purpose.', {
    VALIDATION_FAILED: errorExample('VALIDATION_FAILED', 'One detail per invalid field', invalid),
    ...errorExamples({
      INVALID_JSON: 'The body does not parse as JSON (or has a __proto__ key)',
      BAD_REQUEST: 'The body cannot be read (e.g. Content-Encoding: gzip on a body that is not)',
      [code]: 'A token that is used, expired, unknown or for the other purpose',
    }),
  });
}

/** 503 of a route that mails: no SMTP in production, or MySQL down. */
const mailUnavailable = errorResponse(
  'Production without SMTP_URL (the server warned at startup), or MySQL does not answer.',
  errorExamples({
    MAIL_UNAVAILABLE: 'NODE_ENV=production and no SMTP_URL',
    SERVICE_UNAVAILABLE: 'The database is unreachable',
  }),
);

const mailLimits = rateLimits(
  'at RATE_LIMIT_MAIL_PER_IP requests per client IP (default 20) and RATE_LIMIT_MAIL_PER_ACCOUNT per account (default 5)',
);
const tokenLimits = rateLimits('at RATE_LIMIT_EMAIL_TOKEN_PER_IP attempts per client IP (default 20)');

export const emailPaths: PathsObject = {
  '/auth/password/forgot': {
    post: {
      operationId: 'forgotPassword',
      tags: ['auth'],
      summary: 'Mail a password-reset link',
      description:
        'Always 202 with the same body, whether or not the email has an account (the link goes only to an ' +
        'account that may sign in; PASSWORD_RESET_URL with `{token}` filled in, valid for ' +
        `PASSWORD_RESET_TTL_SECONDS, once). A failed send is logged, never told. ${mailLimits}`,
      requestBody: jsonBody(passwordForgotSchema, { email: sampleUser.email }),
      responses: {
        202: message('Accepted; a link is mailed if the account exists.', 'accepted', RESET_MAIL_ANSWER.message),
        400: invalidBody([{ field: 'email', message: 'email must be a valid email' }]),
        ...bodyErrors,
        429: responseRef('RateLimited'),
        503: mailUnavailable,
      },
    },
  },
  '/auth/password/reset': {
    post: {
      operationId: 'resetPassword',
      tags: ['auth'],
      summary: 'Set a new password with a mailed token; every session ends',
      description:
        'Uses the token (and every other reset link of the user) up; ends every session, access token and ' +
        `Auth.js session of the user. ${tokenLimits}`,
      requestBody: jsonBody(passwordResetSchema, { token: sampleToken, new_password: 'staple battery horse correct' }),
      responses: {
        200: message('The password is set.', 'reset', 'Password reset; every session has been logged out'),
        400: tokenRefused(
          [{ field: 'new_password', message: 'new_password must be at least 8 bytes' }],
          'RESET_TOKEN_INVALID',
        ),
        403: errorResponse(
          'The token is good, but an admin disabled the user since it was mailed.',
          errorExamples({ USER_DISABLED: 'A disabled user' }),
        ),
        ...bodyErrors,
        429: responseRef('RateLimited'),
        503: responseRef('ServiceUnavailable'),
      },
    },
  },
  '/auth/email/verify/request': {
    post: {
      operationId: 'requestEmailVerification',
      tags: ['account'],
      summary: 'Mail the caller a link that verifies their email address',
      description:
        'EMAIL_VERIFY_URL with `{token}` filled in, valid for EMAIL_VERIFY_TTL_SECONDS, once; nothing is ' +
        `mailed when the address is verified already. No body. ${mailLimits}`,
      security: [{ bearerAuth: [] }, { cookieAuth: [] }],
      parameters: [csrfHeader],
      responses: {
        202: message(
          'Accepted; the link is on its way.',
          'accepted',
          'A verification link has been sent, unless the address is verified already.',
        ),
        401: responseRef('Unauthorized'),
        403: responseRef('CsrfTokenInvalid'),
        429: responseRef('RateLimited'),
        503: mailUnavailable,
      },
    },
  },
  '/auth/email/verify': {
    post: {
      operationId: 'verifyEmail',
      tags: ['auth'],
      summary: 'Mark the email verified with a mailed token',
      description: `\`GET /auth/user\` shows \`email_verified: true\` afterwards. ${tokenLimits}`,
      requestBody: jsonBody(emailVerifySchema, { token: sampleToken }),
      responses: {
        200: message('The address is verified.', 'verified', 'Email verified'),
        400: tokenRefused([{ field: 'token', message: 'token is required' }], 'VERIFY_TOKEN_INVALID'),
        ...bodyErrors,
        429: responseRef('RateLimited'),
        503: responseRef('ServiceUnavailable'),
      },
    },
  },
};
