import type { PathsObject } from 'openapi3-ts/oas31';
import { sampleTokenPair, sampleUser } from './examples';
import { bodyErrors, errorExamples, errorResponse, invalidBody, jsonResponse, responseRef } from './responses';
import { email, jsonBody, password } from './request-bodies';
import { schemaRef } from './schemas';

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
      requestBody: jsonBody(
        { email, password: password(8), name: { type: 'string', minLength: 1, maxLength: 100 } },
        { email: sampleUser.email, password: 'correct horse battery', name: sampleUser.name },
      ),
      responses: {
        201: jsonResponse('The account exists and is logged in.', schemaRef('AuthResponse'), {
          created: { value: { user: sampleUser, ...sampleTokenPair } },
        }),
        400: invalidBody([
          { field: 'email', message: 'email must be a valid email' },
          { field: 'password', message: 'password must be at least 8 bytes' },
        ]),
        409: errorResponse('An account with this email exists.', errorExamples({ EMAIL_TAKEN: 'The email is taken' })),
        ...bodyErrors,
        503: responseRef('ServiceUnavailable'),
      },
    },
  },
  '/auth/login': {
    post: {
      operationId: 'login',
      tags: ['auth'],
      summary: 'Start a session with email and password',
      description: 'One answer for an unknown email and a wrong password, in the same time.',
      requestBody: jsonBody(
        { email, password: password(1) },
        { email: sampleUser.email, password: 'correct horse battery' },
      ),
      responses: {
        200: jsonResponse('Logged in: a new session.', schemaRef('AuthResponse'), {
          loggedIn: { value: { user: sampleUser, ...sampleTokenPair } },
        }),
        400: invalidBody([{ field: 'password', message: 'password is required' }]),
        401: errorResponse(
          'Unknown email or wrong password.',
          errorExamples({ INVALID_CREDENTIALS: 'Unknown email or wrong password' }),
        ),
        ...bodyErrors,
        503: responseRef('ServiceUnavailable'),
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
        '(REFRESH_TOKEN_REUSED), unless it was rotated within the last few seconds (REFRESH_CONFLICT).',
      requestBody: jsonBody(
        { refresh_token: { type: 'string', maxLength: 128 } },
        { refresh_token: sampleTokenPair.refresh_token },
      ),
      responses: {
        200: jsonResponse('The next token pair; the refresh token sent is now used.', schemaRef('TokenPair'), {
          rotated: { value: sampleTokenPair },
        }),
        400: invalidBody([{ field: 'refresh_token', message: 'refresh_token is required' }]),
        401: errorResponse(
          'The refresh token cannot be used.',
          errorExamples({
            REFRESH_TOKEN_INVALID: 'Not a refresh token this server issued',
            REFRESH_TOKEN_EXPIRED: 'Past its lifetime',
            REFRESH_TOKEN_REVOKED: 'Its session was logged out',
            REFRESH_TOKEN_REUSED: 'Already used: its session is now revoked',
          }),
        ),
        409: errorResponse(
          'A concurrent request rotated this token a moment ago.',
          errorExamples({ REFRESH_CONFLICT: 'Two refreshes of one token at once' }),
        ),
        ...bodyErrors,
        503: responseRef('ServiceUnavailable'),
      },
    },
  },
};
