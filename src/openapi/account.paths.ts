import type { PathsObject, SecurityRequirementObject } from 'openapi3-ts/oas31';
import { logoutSchema, passwordChangeSchema, sessionParamsSchema } from '../validators/auth.schemas';
import { sampleSessionId, sampleUser } from './examples';
import { jsonBody, pathParameters } from './request-bodies';
import { bodyErrors, errorExamples, errorResponse, invalidBody, jsonResponse, responseRef } from './responses';
import { schemaRef } from './schemas';
import { CLEARED_COOKIES, csrfHeader, rateLimits, setCookieHeader } from './transport';

/** Every route here needs an access token (header or cookie), and answers 401 without a usable one. */
const security: SecurityRequirementObject[] = [{ bearerAuth: [] }, { cookieAuth: [] }];
const signedIn = { security };
const authErrors = { 401: responseRef('Unauthorized'), 503: responseRef('ServiceUnavailable') };
const csrfRejected = { 403: responseRef('CsrfTokenInvalid') };

const message = (name: string, text: string, headers?: ReturnType<typeof setCookieHeader>) =>
  jsonResponse(text, schemaRef('Message'), { [name]: { value: { message: text } } }, headers);

export const accountPaths: PathsObject = {
  '/auth/user': {
    get: {
      operationId: 'getUser',
      tags: ['account'],
      summary: 'The user of the access token',
      ...signedIn,
      responses: {
        200: jsonResponse(
          'The caller.',
          { type: 'object', required: ['user'], additionalProperties: false, properties: { user: schemaRef('User') } },
          { user: { value: { user: sampleUser } } },
        ),
        ...authErrors,
      },
    },
  },
  '/auth/logout': {
    post: {
      operationId: 'logout',
      tags: ['account'],
      summary: 'End this session, the other sessions, or all of them',
      description:
        '`current` (the default, also for an empty body) revokes this access token and its session; ' +
        '`others` ends every other session; `all` ends every session and every access token.',
      ...signedIn,
      parameters: [csrfHeader],
      requestBody: jsonBody(logoutSchema, { scope: 'others' }),
      responses: {
        200: message('loggedOut', 'Logged out', setCookieHeader(`${CLEARED_COOKIES} Not for scope others.`)),
        400: invalidBody([{ field: 'scope', message: 'scope must be one of [current, others, all]' }]),
        ...authErrors,
        ...csrfRejected,
        ...bodyErrors,
      },
    },
  },
  '/auth/sessions': {
    get: {
      operationId: 'listSessions',
      tags: ['account'],
      summary: "The caller's live sessions, oldest first",
      ...signedIn,
      responses: {
        200: jsonResponse(
          'Live sessions; `current` marks the one of this access token.',
          {
            type: 'object',
            required: ['sessions'],
            additionalProperties: false,
            properties: { sessions: { type: 'array', items: schemaRef('Session') } },
          },
          {
            sessions: {
              value: {
                sessions: [
                  {
                    id: sampleSessionId,
                    created_at: '2026-01-15T09:30:00.000Z',
                    last_used_at: '2026-01-15T10:05:00.000Z',
                    ip: '203.0.113.7',
                    user_agent: 'Mozilla/5.0',
                    current: true,
                  },
                ],
              },
            },
          },
        ),
        ...authErrors,
      },
    },
  },
  '/auth/sessions/{id}': {
    delete: {
      operationId: 'revokeSession',
      tags: ['account'],
      summary: 'End one of your own sessions',
      ...signedIn,
      parameters: [...pathParameters(sessionParamsSchema, { id: sampleSessionId }), csrfHeader],
      responses: {
        200: message('revoked', 'Session revoked', setCookieHeader(`${CLEARED_COOKIES} Only when {id} is this one.`)),
        404: errorResponse(
          'No live session of yours has this id.',
          errorExamples({ SESSION_NOT_FOUND: "Unknown, already ended, or someone else's" }),
        ),
        ...authErrors,
        ...csrfRejected,
      },
    },
  },
  '/auth/password': {
    post: {
      operationId: 'changePassword',
      tags: ['account'],
      summary: 'Change the password; every other session ends',
      description: rateLimits(
        'at RATE_LIMIT_PASSWORD_PER_IP attempts per client IP (default 20), and at ' +
          'RATE_LIMIT_PASSWORD_FAILURES_PER_ACCOUNT wrong current passwords in a row per user (default 5)',
      ),
      ...signedIn,
      parameters: [csrfHeader],
      requestBody: jsonBody(passwordChangeSchema, {
        current_password: 'correct horse battery',
        new_password: 'staple battery horse correct',
      }),
      responses: {
        200: message('changed', 'Password changed; other sessions have been logged out'),
        400: invalidBody([{ field: 'new_password', message: 'new_password must be at least 8 bytes' }]),
        403: errorResponse(
          'The current password is wrong, or a cookie-authenticated request lacks the right X-CSRF-Token.',
          errorExamples({
            PASSWORD_INCORRECT: 'Wrong current password',
            CSRF_TOKEN_INVALID: 'Cookies without the X-CSRF-Token header',
          }),
        ),
        ...authErrors,
        ...bodyErrors,
        429: responseRef('RateLimited'),
      },
    },
  },
};
