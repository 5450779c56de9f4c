import type { PathsObject, SchemaObject, SecurityRequirementObject } from 'openapi3-ts/oas31';
import { AUDIT_ACTIONS, ROLES, WEBHOOK_EVENTS } from '../models';
import {
  auditListQuerySchema,
  pageQuerySchema,
  userListQuerySchema,
  userParamsSchema,
  userPatchSchema,
} from '../validators/admin.schemas';
import { sampleUser } from './examples';
import { jsonBody, pathParameters, queryParameters } from './request-bodies';
import { bodyErrors, errorExample, errorExamples, errorResponse, jsonResponse, responseRef } from './responses';
import { schemaRef } from './schemas';

const security: SecurityRequirementObject[] = [{ bearerAuth: [] }, { cookieAuth: [] }];
const timestamp: SchemaObject = { type: 'string', format: 'date-time' };
const nullableTimestamp: SchemaObject = { type: ['string', 'null'], format: 'date-time' };
const pageFields: Record<string, SchemaObject> = {
  total: { type: 'integer', minimum: 0 },
  page: { type: 'integer' },
  limit: { type: 'integer' },
};

const adminUserProperties: Record<string, SchemaObject> = {
  disabled: { type: 'boolean' },
  disabled_at: nullableTimestamp,
  email_verified: { type: 'boolean' },
};

const adminUserFields: Record<string, SchemaObject> = {
  id: { type: 'integer', minimum: 1 },
  email: { type: 'string' },
  name: { type: ['string', 'null'] },
  role: { type: 'string', enum: [...ROLES] },
  registered_on: timestamp,
  ...adminUserProperties,
};
const detailFields: Record<string, SchemaObject> = {
  sessions: { type: 'integer', minimum: 0, description: 'Live sessions.' },
  providers: { type: 'array', items: { type: 'string' }, description: 'Linked sign-in providers.' },
  last_login_at: { ...nullableTimestamp, description: 'Start of the newest session on record.' },
};

/** Component schemas of the admin API. */
export const adminSchemas: Record<string, SchemaObject> = {
  AdminUser: {
    type: 'object',
    description: 'A user as admins and moderators see it; never the password hash.',
    required: Object.keys(adminUserFields),
    additionalProperties: false,
    properties: adminUserFields,
  },
  AdminUserDetail: {
    type: 'object',
    description: 'One user in detail.',
    required: [...Object.keys(adminUserFields), ...Object.keys(detailFields)],
    additionalProperties: false,
    properties: { ...adminUserFields, ...detailFields },
  },
  AuditEvent: {
    type: 'object',
    required: ['id', 'actor', 'action', 'target_user_id', 'request_id', 'ip', 'changes', 'created_at'],
    additionalProperties: false,
    properties: {
      id: { type: 'integer' },
      actor: { oneOf: [{ type: 'integer' }, { type: 'string', const: 'system' }] },
      action: { type: 'string', enum: [...AUDIT_ACTIONS] },
      target_user_id: { type: ['integer', 'null'] },
      request_id: { type: ['string', 'null'] },
      ip: { type: ['string', 'null'] },
      changes: { type: ['object', 'null'], description: 'What changed; never a password, hash or token.' },
      created_at: timestamp,
    },
  },
  WebhookDelivery: {
    type: 'object',
    required: [
      'id',
      'event_id',
      'type',
      'user_id',
      'status',
      'attempts',
      'last_status_code',
      'last_error',
      'next_attempt_at',
      'delivered_at',
      'created_at',
    ],
    additionalProperties: false,
    properties: {
      id: { type: 'integer' },
      event_id: { type: 'string', format: 'uuid' },
      type: { type: 'string', enum: [...WEBHOOK_EVENTS] },
      user_id: { type: ['integer', 'null'] },
      status: { type: 'string', enum: ['pending', 'delivered', 'failed'] },
      attempts: { type: 'integer', minimum: 0 },
      last_status_code: { type: ['integer', 'null'] },
      last_error: { type: ['string', 'null'] },
      next_attempt_at: timestamp,
      delivered_at: nullableTimestamp,
      created_at: timestamp,
    },
  },
};

const sampleAdminUser = {
  ...sampleUser,
  disabled: false,
  disabled_at: null,
  email_verified: true,
};
const sampleAudit = {
  id: 7,
  actor: 1,
  action: 'user.disabled',
  target_user_id: 42,
  request_id: '1f6c6f1e-4d0b-4c55-9d4e-7d1bb0b8a9a3',
  ip: '203.0.113.7',
  changes: null,
  created_at: '2026-01-15T10:00:00.000Z',
};
const sampleDelivery = {
  id: 3,
  event_id: '0b6f3a8e-2c1d-4e5f-8a9b-1c2d3e4f5a6b',
  type: 'user.created',
  user_id: 42,
  status: 'delivered',
  attempts: 1,
  last_status_code: 204,
  last_error: null,
  next_attempt_at: '2026-01-15T09:30:00.000Z',
  delivered_at: '2026-01-15T09:30:00.120Z',
  created_at: '2026-01-15T09:30:00.000Z',
};

const pageOf = (name: string, item: string): SchemaObject => ({
  type: 'object',
  required: [name, 'total', 'page', 'limit'],
  additionalProperties: false,
  properties: { [name]: { type: 'array', items: schemaRef(item) }, ...pageFields },
});

const userBody = (detail: boolean): SchemaObject => ({
  type: 'object',
  required: ['user'],
  additionalProperties: false,
  properties: { user: schemaRef(detail ? 'AdminUserDetail' : 'AdminUser') },
});

const common = { 401: responseRef('Unauthorized'), 503: responseRef('ServiceUnavailable') };
const forbidden = (when: string) => errorResponse(when, errorExamples({ FORBIDDEN: when }));
const notFound = errorResponse(
  'No user has this id.',
  errorExamples({ TARGET_USER_NOT_FOUND: 'No user has this id (never existed, or deleted)' }),
);
const badQuery = (field: string, message: string) =>
  errorResponse('A query parameter is not what the route accepts.', {
    VALIDATION_FAILED: errorExample('VALIDATION_FAILED', 'One detail per invalid parameter', [{ field, message }]),
  });
const badId = errorResponse('The id is not a positive integer.', {
  VALIDATION_FAILED: errorExample('VALIDATION_FAILED', 'A non-numeric id', [
    { field: 'id', message: 'id must be a number' },
  ]),
});
const lastAdmin = errorResponse(
  'The change would leave no enabled admin (also the loser of two admins demoting each other at once).',
  errorExamples({ LAST_ADMIN: 'Two admins demoted each other at once: this one came second' }),
);
const idParameters = pathParameters(userParamsSchema, { id: 42 });

export const adminPaths: PathsObject = {
  '/admin/users': {
    get: {
      operationId: 'adminListUsers',
      tags: ['admin'],
      summary: 'Find users (moderator or admin)',
      description:
        '`q` is a prefix of the email (a range of the unique email index) or of the name (of the name ' +
        'index); `%` and `_` match themselves. `limit` is at most 100.',
      security,
      parameters: queryParameters(userListQuerySchema, { q: 'ada', role: 'user', sort: '-created_at' }),
      responses: {
        200: jsonResponse('One page of users.', pageOf('users', 'AdminUser'), {
          users: { value: { users: [sampleAdminUser], total: 1, page: 1, limit: 20 } },
        }),
        400: badQuery('limit', 'limit must be less than or equal to 100'),
        403: forbidden('The caller is a plain user'),
        ...common,
      },
    },
  },
  '/admin/users/{id}': {
    get: {
      operationId: 'adminGetUser',
      tags: ['admin'],
      summary: 'One user with sessions count, providers and last login (moderator or admin)',
      security,
      parameters: idParameters,
      responses: {
        200: jsonResponse('The user.', userBody(true), {
          user: {
            value: {
              user: {
                ...sampleAdminUser,
                sessions: 1,
                providers: [],
                last_login_at: '2026-01-15T10:05:00.000Z',
              },
            },
          },
        }),
        400: badId,
        403: forbidden('The caller is a plain user'),
        404: notFound,
        ...common,
      },
    },
    patch: {
      operationId: 'adminUpdateUser',
      tags: ['admin'],
      summary: 'Change name or disabled (moderator+), role or email (admin)',
      description:
        'Disabling ends every session and access token of the user. Refused (403 FORBIDDEN): role or email ' +
        'by a moderator, a moderator acting on a moderator or admin, changing your own role or disabling ' +
        'yourself. 409 LAST_ADMIN when no enabled admin would remain.',
      security,
      parameters: idParameters,
      requestBody: jsonBody(userPatchSchema, { disabled: true }),
      responses: {
        200: jsonResponse('The user after the change.', userBody(false), {
          updated: { value: { user: { ...sampleAdminUser, disabled: true, disabled_at: '2026-01-15T10:00:00.000Z' } } },
        }),
        400: errorResponse('The id or the body is not what the route accepts.', {
          VALIDATION_FAILED: errorExample('VALIDATION_FAILED', 'An unknown role', [
            { field: 'role', message: 'role must be one of [user, moderator, admin]' },
          ]),
        }),
        403: forbidden('A moderator changing a role, or anyone their own role'),
        404: notFound,
        409: errorResponse('The email is taken, or no enabled admin would remain.', {
          ...errorExamples({ EMAIL_TAKEN: 'Another user has this email' }),
          ...lastAdmin.content?.['application/json']?.examples,
        }),
        ...common,
        ...bodyErrors,
      },
    },
    delete: {
      operationId: 'adminDeleteUser',
      tags: ['admin'],
      summary: 'Delete a user and everything of theirs (admin)',
      security,
      parameters: idParameters,
      responses: {
        200: jsonResponse('Deleted; the audit log keeps the record.', schemaRef('Message'), {
          deleted: { value: { message: 'User deleted' } },
        }),
        400: badId,
        403: forbidden('A moderator, or an admin deleting themselves'),
        404: notFound,
        409: lastAdmin,
        ...common,
      },
    },
  },
  '/admin/users/{id}/revoke': {
    post: {
      operationId: 'adminRevokeSessions',
      tags: ['admin'],
      summary: 'End every session and access token of a user (moderator or admin)',
      security,
      parameters: idParameters,
      responses: {
        200: jsonResponse(
          'Every session ended; every access token refused (token-version bump).',
          {
            type: 'object',
            required: ['message', 'sessions_ended'],
            additionalProperties: false,
            properties: { message: { type: 'string' }, sessions_ended: { type: 'integer', minimum: 0 } },
          },
          { revoked: { value: { message: 'Sessions revoked', sessions_ended: 2 } } },
        ),
        400: badId,
        403: forbidden('A moderator acting on a moderator or admin'),
        404: notFound,
        ...common,
      },
    },
  },
  '/admin/audit': {
    get: {
      operationId: 'adminListAudit',
      tags: ['admin'],
      summary: 'Audit entries, newest first (admin)',
      security,
      parameters: queryParameters(auditListQuerySchema, { action: 'user.disabled' }),
      responses: {
        200: jsonResponse('One page of entries.', pageOf('events', 'AuditEvent'), {
          events: { value: { events: [sampleAudit], total: 1, page: 1, limit: 20 } },
        }),
        400: badQuery('actor', 'actor must be a user id or "system"'),
        403: forbidden('A moderator or plain user'),
        ...common,
      },
    },
  },
  '/admin/webhooks/deliveries': {
    get: {
      operationId: 'adminListWebhookDeliveries',
      tags: ['admin'],
      summary: 'Webhook events and their outcomes, newest first (admin)',
      security,
      parameters: queryParameters(pageQuerySchema, {}),
      responses: {
        200: jsonResponse('One page of events.', pageOf('deliveries', 'WebhookDelivery'), {
          deliveries: { value: { deliveries: [sampleDelivery], total: 1, page: 1, limit: 20 } },
        }),
        400: badQuery('page', 'page must be greater than or equal to 1'),
        403: forbidden('A moderator or plain user'),
        ...common,
      },
    },
  },
};
