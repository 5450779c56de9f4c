import type { PathsObject } from 'openapi3-ts/oas31';
import { CASE_MESSAGES } from '../errors/catalogue';
import { loginSchema, refreshSchema, signupSchema } from '../validators/auth.schemas';
import { sampleCookieSession, sampleTokenPair, sampleUser } from './examples';
import { bodyErrors, errorExamples, errorResponse, invalidBody, jsonResponse, responseRef } from './responses';
import { jsonBody } from './request-bodies';
import { schemaRef } from './schemas';
import {
  authTransportHeader,
  CLEARED_COOKIES,
  csrfHeader,
  ISSUED_COOKIES,
  rateLimits,
  setCookieHeader,
} from './transport';

/** Tokens in the body, or (with `X-Auth-Transport: cookie`) in cookies with a CSRF token in the body. */
const eitherTransport = (bearer: string, cookie: string) => ({ oneOf: [schemaRef(bearer), schemaRef(cookie)] });
const issuedCookies = setCookieHeader(ISSUED_COOKIES);
const limited = { 429: responseRef('RateLimited'), 503: responseRef('ServiceUnavailable') };

export const authPaths: PathsObject = {
  '/auth/ping': {
    get: {
      operationId: 'ping',
      tags: ['auth'],
      summary: 'Check that the API answers',
      responses: {
        200: jsonResponse(
          'The API is up.',
          {
            type: 'object',
            required: ['status', 'message'],
            additionalProperties: false,
            properties: { status: { const: 'success' }, message: { type: 'string' } },
          },
          { up: { value: { status: 'success', message: 'APIs are up and running' } } },
        ),
      },
    },
  },
  '/auth/signup': {
    post: {
      operationId: 'signup',
      tags: ['auth'],
      summary: 'Create an account and its first session',
      description: rateLimits('at RATE_LIMIT_SIGNUP_PER_IP signups per client IP (default 20)'),
      parameters: [authTransportHeader],
      requestBody: jsonBody(signupSchema, {
        email: sampleUser.email,
        password: 'correct horse battery',
        name: sampleUser.name,
      }),
      responses: {
        201: jsonResponse(
          'The account exists and is logged in.',
          eitherTransport('AuthResponse', 'CookieAuthResponse'),
          {
            created: { value: { user: sampleUser, ...sampleTokenPair } },
            createdWithCookies: {
              summary: 'With X-Auth-Transport: cookie',
              value: { user: sampleUser, ...sampleCookieSession },
            },
          },
          issuedCookies,
        ),
        400: invalidBody(
          [
            { field: 'email', message: 'email must be a valid email' },
            { field: 'password', message: 'password must be at least 8 bytes' },
          ],
          true,
        ),
        409: errorResponse('An account with this email exists.', errorExamples({ EMAIL_TAKEN: 'The email is taken' })),
        ...bodyErrors,
        ...limited,
      },
    },
  },
  '/auth/login': {
    post: {
      operationId: 'login',
      tags: ['auth'],
      summary: 'Start a session with email and password',
      description:
        'One answer for an unknown email and a wrong password, in the same time. ' +
        rateLimits(
          'at RATE_LIMIT_LOGIN_PER_IP attempts per client IP (default 100), and at ' +
            'RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT failed logins in a row per email from any IP (default 10)',
        ),
      parameters: [authTransportHeader],
      requestBody: jsonBody(loginSchema, { email: sampleUser.email, password: 'correct horse battery' }),
      responses: {
        200: jsonResponse(
          'Logged in: a new session.',
          eitherTransport('AuthResponse', 'CookieAuthResponse'),
          {
            loggedIn: { value: { user: sampleUser, ...sampleTokenPair } },
            loggedInWithCookies: {
              summary: 'With X-Auth-Transport: cookie',
              value: { user: sampleUser, ...sampleCookieSession },
            },
          },
          issuedCookies,
        ),
        400: invalidBody([{ field: 'password', message: 'password is required' }], true),
        401: errorResponse(
          'Unknown email or wrong password.',
          errorExamples({ INVALID_CREDENTIALS: 'Unknown email or wrong password' }),
        ),
        ...bodyErrors,
        ...limited,
      },
    },
  },
  '/auth/refresh': {
    post: {
      operationId: 'refresh',
      tags: ['auth'],
      summary: 'Exchange a refresh token for a new token pair',
      description:
        'Each refresh token works once. Presenting a used one again ends its whole session ' +
        '(REFRESH_TOKEN_REUSED), unless it was rotated within the last few seconds (REFRESH_CONFLICT). ' +
        'With `X-Auth-Transport: cookie` the body may be empty: the refresh cookie is used, and then ' +
        '`X-CSRF-Token` must match the CSRF cookie. ' +
        rateLimits('at RATE_LIMIT_REFRESH_PER_IP refreshes per client IP (default 600)'),
      parameters: [authTransportHeader, csrfHeader],
      requestBody: jsonBody(refreshSchema, { refresh_token: sampleTokenPair.refresh_token }),
      responses: {
        200: jsonResponse(
          'The next token pair; the refresh token sent is now used.',
          eitherTransport('TokenPair', 'CookieSession'),
          {
            rotated: { value: sampleTokenPair },
            rotatedWithCookies: { summary: 'With X-Auth-Transport: cookie', value: sampleCookieSession },
          },
          issuedCookies,
        ),
        400: invalidBody([{ field: 'refresh_token', message: 'refresh_token is required' }], true),
        401: errorResponse(
          'The refresh token cannot be used.',
          {
            ...errorExamples({
              REFRESH_TOKEN_INVALID: 'Not a refresh token this server issued',
              REFRESH_TOKEN_EXPIRED: 'Past its lifetime',
              REFRESH_TOKEN_REVOKED: 'Its session was logged out',
              REFRESH_TOKEN_REUSED: 'Already used: its session is now revoked',
            }),
            UNAUTHENTICATED: {
              summary: 'Cookie transport with neither a body refresh_token nor the refresh cookie',
              value: {
                error: { code: 'UNAUTHENTICATED', message: CASE_MESSAGES.refreshTokenMissing },
              },
            },
          },
          setCookieHeader(`${CLEARED_COOKIES} Not on UNAUTHENTICATED.`),
        ),
        403: responseRef('CsrfTokenInvalid'),
        409: errorResponse(
          'A concurrent request rotated this token a moment ago.',
          errorExamples({ REFRESH_CONFLICT: 'Two refreshes of one token at once' }),
        ),
        ...bodyErrors,
        ...limited,
      },
    },
  },
};
