import type { OperationObject, PathsObject, SchemaObject } from 'openapi3-ts/oas31';
import { CASE_MESSAGES, ERRORS } from '../errors/catalogue';
import { tokenInputSchema } from '../validators/introspection.schemas';
import { errorExample, errorExamples, errorResponse, jsonResponse, responseRef } from './responses';
import { formOrJsonBody } from './request-bodies';

const unauthorizedClient = errorResponse(
  'No client credentials, or not those of a client in INTROSPECTION_CLIENTS.',
  errorExamples({ CLIENT_UNAUTHENTICATED: 'No Authorization: Basic header, or a wrong id or secret' }),
  {
    'WWW-Authenticate': { description: '`Basic` (RFC 7617).', required: true, schema: { type: 'string' } },
  },
);

const invalid = errorResponse('No token, or not what this route accepts.', {
  VALIDATION_FAILED: errorExample('VALIDATION_FAILED', 'No token', [{ field: 'token', message: 'token is required' }]),
  ...errorExamples({
    INVALID_JSON: 'A JSON body that does not parse',
    BAD_REQUEST: 'The body cannot be read (e.g. Content-Encoding: gzip on a body that is not)',
  }),
});

const unsupported = errorResponse('Neither a form nor JSON.', {
  UNSUPPORTED_MEDIA_TYPE: {
    summary: 'A text/plain body',
    value: { error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: CASE_MESSAGES.formOrJsonBody } },
  },
});

const ACTIVE: SchemaObject = {
  type: 'object',
  required: ['active', 'sub', 'exp', 'iat', 'sid', 'token_type'],
  additionalProperties: false,
  properties: {
    active: { const: true },
    sub: { type: 'string', description: 'The user id.' },
    exp: { type: 'integer' },
    iat: { type: 'integer' },
    jti: { type: 'string', description: 'Access tokens only.' },
    sid: { type: 'string', description: 'The session (refresh-token family).' },
    iss: { type: 'string' },
    aud: { type: 'string' },
    token_type: { enum: ['access_token', 'refresh_token'] },
    client_id: { type: 'string', description: 'The introspection client that asked.' },
  },
};

const INACTIVE: SchemaObject = {
  type: 'object',
  required: ['active'],
  additionalProperties: false,
  properties: { active: { const: false } },
};

const common = (operation: OperationObject): OperationObject => ({
  tags: ['introspection'],
  security: [{ clientBasic: [] }],
  requestBody: formOrJsonBody(tokenInputSchema, { token: 'eyJhbGciOi…', token_type_hint: 'access_token' }),
  ...operation,
  responses: {
    ...operation.responses,
    400: invalid,
    401: unauthorizedClient,
    413: responseRef('PayloadTooLarge'),
    415: unsupported,
    503: responseRef('ServiceUnavailable'),
  },
});

const now = 1_764_600_000;

export const introspectionPaths: PathsObject = {
  '/auth/introspect': {
    post: common({
      operationId: 'introspect',
      summary: 'Is this token live now? (RFC 7662)',
      description:
        '`{"active": false}` for anything not valid now: garbage, expired, a bad signature, a blocklisted ' +
        'jti, an ended session, a logout everywhere, a disabled or deleted user. It reads revocations ' +
        'through the same cache as the middleware, so it sees one made on another instance within ' +
        'REVOCATION_CACHE_TTL_MS (at once with Redis). ' +
        ERRORS.CLIENT_UNAUTHENTICATED.when,
      responses: {
        200: jsonResponse(
          'What the server knows of the token.',
          { oneOf: [ACTIVE, INACTIVE] },
          {
            activeAccessToken: {
              value: {
                active: true,
                sub: '42',
                exp: now + 900,
                iat: now,
                jti: 'hFQ6qv9J0v3mQyJqV7YzUw',
                sid: 'Zb1yQ2fR3t9w0nKx8L4mPg',
                token_type: 'access_token',
                client_id: 'orders-service',
              },
            },
            activeRefreshToken: {
              value: {
                active: true,
                sub: '42',
                exp: now + 2_592_000,
                iat: now,
                sid: 'Zb1yQ2fR3t9w0nKx8L4mPg',
                token_type: 'refresh_token',
                client_id: 'orders-service',
              },
            },
            inactive: { summary: 'Not valid now, for whatever reason', value: { active: false } },
          },
          { 'Cache-Control': { description: '`no-store`.', required: true, schema: { type: 'string' } } },
        ),
      },
    }),
  },
  '/auth/revoke': {
    post: common({
      operationId: 'revoke',
      summary: 'Revoke an access token (blocklisted) or a refresh token (its session ends) (RFC 7009)',
      description:
        'Answers 200 with an empty body whether or not the token was valid (RFC 7009 §2.2). A revoked ' +
        'access token is refused by the middleware of every instance within REVOCATION_CACHE_TTL_MS (at once with Redis).',
      responses: { 200: { description: 'Done, or there was nothing to revoke; the body is empty.' } },
    }),
  },
};
