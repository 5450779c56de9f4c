import type { ReferenceObject, SchemaObject } from 'openapi3-ts/oas31';
import { ERRORS, type ErrorCode } from '../errors/catalogue';
import { ROLES } from '../models/user.model';
import { signupSchema } from '../validators/auth.schemas';
import { fieldSchemaOf } from './joi-schema';

type Schema = SchemaObject;

/** A `$ref` to a component schema. */
export const schemaRef = (name: string): ReferenceObject => ({ $ref: `#/components/schemas/${name}` });

const timestamp: Schema = { type: 'string', format: 'date-time' };

const User: Schema = {
  type: 'object',
  description: 'What the API shows of a user; never the password hash.',
  required: ['id', 'email', 'name', 'role', 'email_verified', 'registered_on'],
  additionalProperties: false,
  properties: {
    id: { type: 'integer', minimum: 1 },
    // A user's email and name are what signup accepted: their limits are its Joi rules.
    email: fieldSchemaOf(signupSchema, 'email'),
    // Null for a user who signed in through a provider that gave no name.
    name: { ...fieldSchemaOf(signupSchema, 'name'), type: ['string', 'null'] },
    role: { type: 'string', enum: [...ROLES] },
    email_verified: {
      type: 'boolean',
      description: 'True once the address was proven (POST /auth/email/verify, or a provider said so).',
    },
    registered_on: timestamp,
  },
};

const expiresIn: Schema = { type: 'integer', minimum: 0, description: 'Seconds until the access token expires.' };
const refreshExpiresIn: Schema = {
  type: 'integer',
  minimum: 0,
  description: 'Seconds until the refresh token expires.',
};

const tokenPairProperties: Record<string, Schema> = {
  access_token: { type: 'string', description: 'A JWT; send it as `Authorization: Bearer <token>`.' },
  token_type: { type: 'string', const: 'Bearer' },
  expires_in: expiresIn,
  refresh_token: {
    type: 'string',
    pattern: '^[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}$',
    description: 'Opaque and single-use: POST it to /auth/refresh for the next pair.',
  },
  refresh_expires_in: refreshExpiresIn,
};

const TokenPair: Schema = {
  type: 'object',
  required: Object.keys(tokenPairProperties),
  additionalProperties: false,
  properties: tokenPairProperties,
};

const AuthResponse: Schema = {
  type: 'object',
  description: 'The user and their first token pair of a new session.',
  required: ['user', ...Object.keys(tokenPairProperties)],
  additionalProperties: false,
  properties: { user: schemaRef('User'), ...tokenPairProperties },
};

const cookieSessionProperties: Record<string, Schema> = {
  expires_in: expiresIn,
  refresh_expires_in: refreshExpiresIn,
  csrf_token: {
    type: 'string',
    pattern: '^[A-Za-z0-9_-]{43}$',
    description: 'Also in the readable CSRF cookie; send it as `X-CSRF-Token` on unsafe requests.',
  },
};

const CookieSession: Schema = {
  type: 'object',
  description: 'With `X-Auth-Transport: cookie`: the tokens are in Set-Cookie headers, not in the body.',
  required: Object.keys(cookieSessionProperties),
  additionalProperties: false,
  properties: cookieSessionProperties,
};

const CookieAuthResponse: Schema = {
  type: 'object',
  description: 'The user of a new session whose tokens went into cookies.',
  required: ['user', ...Object.keys(cookieSessionProperties)],
  additionalProperties: false,
  properties: { user: schemaRef('User'), ...cookieSessionProperties },
};

const Session: Schema = {
  type: 'object',
  description: 'One login (a refresh-token family) that is still live.',
  required: ['id', 'created_at', 'last_used_at', 'ip', 'user_agent', 'current'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', description: 'Pass it to DELETE /auth/sessions/{id}.' },
    created_at: { ...timestamp, description: 'When the user logged in.' },
    last_used_at: { ...timestamp, description: 'When its refresh token was last rotated (or issued).' },
    ip: { type: ['string', 'null'], maxLength: 45 },
    user_agent: { type: ['string', 'null'], maxLength: 255 },
    current: { type: 'boolean', description: 'True for the session of the calling access token.' },
  },
};

const Message: Schema = {
  type: 'object',
  required: ['message'],
  additionalProperties: false,
  properties: { message: { type: 'string' } },
};

const LinkedAccount: Schema = {
  type: 'object',
  required: ['provider', 'type', 'linked_at'],
  additionalProperties: false,
  properties: {
    provider: { type: 'string', description: 'The provider name (OIDC_PROVIDERS, or an Auth.js provider id).' },
    type: { type: 'string', description: '`oidc` for OpenID sign-in; Auth.js account types otherwise.' },
    linked_at: { type: 'string', format: 'date-time' },
  },
};

const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

const ErrorBody: Schema = {
  type: 'object',
  description: 'Every error, whatever the route. `code` is stable; `message` is for humans.',
  required: ['error'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      additionalProperties: false,
      properties: {
        code: { type: 'string', enum: ERROR_CODES },
        message: { type: 'string' },
        details: {
          type: 'array',
          description: 'One entry per invalid field (VALIDATION_FAILED) or failed check (SERVICE_UNAVAILABLE).',
          items: {
            type: 'object',
            required: ['field', 'message'],
            additionalProperties: false,
            properties: { field: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
  },
};

export const schemas: Record<string, Schema> = {
  User,
  TokenPair,
  AuthResponse,
  CookieSession,
  CookieAuthResponse,
  Session,
  Message,
  LinkedAccount,
  Error: ErrorBody,
};
