import type { OperationObject, ParameterObject, PathsObject, SchemaObject } from 'openapi3-ts/oas31';
import {
  adapterAccountSchema,
  adapterSessionSchema,
  adapterSessionUpdateSchema,
  adapterUserSchema,
  adapterUserUpdateSchema,
  authenticatorSchema,
  counterSchema,
  credentialParamsSchema,
  emailQuerySchema,
  providerAccountParamsSchema,
  sessionTokenParamsSchema,
  userIdParamsSchema,
  verificationTokenSchema,
  verificationTokenUseSchema,
} from '../validators/adapter.schemas';
import { jsonSchemaOf } from './joi-schema';
import { jsonBody, pathParameters } from './request-bodies';
import {
  bodyErrors,
  errorExample,
  errorExamples,
  errorResponse,
  invalidBody,
  jsonResponse,
  responseRef,
} from './responses';

const text: SchemaObject = { type: 'string' };
const nullableText: SchemaObject = { type: ['string', 'null'] };
const date: SchemaObject = { type: 'string', format: 'date-time' };

const userSchema: SchemaObject = {
  type: 'object',
  required: ['id', 'name', 'email', 'emailVerified', 'image'],
  additionalProperties: false,
  properties: {
    id: text,
    name: nullableText,
    email: text,
    emailVerified: { type: ['string', 'null'] },
    image: nullableText,
  },
};
const sessionSchema: SchemaObject = {
  type: 'object',
  required: ['sessionToken', 'userId', 'expires'],
  additionalProperties: false,
  properties: { sessionToken: text, userId: text, expires: date },
};
const verificationSchema: SchemaObject = {
  type: 'object',
  required: ['identifier', 'token', 'expires'],
  additionalProperties: false,
  properties: { identifier: text, token: text, expires: date },
};
// The account as linked: the fields sent, null where null was sent, provider extras included.
const accountSchema: SchemaObject = {
  type: 'object',
  required: ['userId', 'type', 'provider', 'providerAccountId'],
  properties: { userId: text, type: text, provider: text, providerAccountId: text },
};
const authenticatorAnswer: SchemaObject = {
  type: 'object',
  required: [
    'credentialID',
    'userId',
    'providerAccountId',
    'credentialPublicKey',
    'counter',
    'credentialDeviceType',
    'credentialBackedUp',
    'transports',
  ],
  additionalProperties: false,
  properties: {
    credentialID: text,
    userId: text,
    providerAccountId: text,
    credentialPublicKey: text,
    counter: { type: 'integer' },
    credentialDeviceType: text,
    credentialBackedUp: { type: 'boolean' },
    transports: nullableText,
  },
};
const orNull = (schema: SchemaObject): SchemaObject => ({ anyOf: [schema, { type: 'null' }] });

export const sampleAdapterUser = {
  id: '42',
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  emailVerified: '2026-01-15T09:30:00.000Z',
  image: 'https://example.com/ada.png',
};
const sampleSession = {
  sessionToken: 'c0f1b6b2-4d0e-4a53-9d3b-6c1a2f5e7d90',
  userId: '42',
  expires: '2026-02-14T09:30:00.000Z',
};
const sampleAccount = {
  userId: '42',
  type: 'oauth' as const,
  provider: 'github',
  providerAccountId: '1234567',
  access_token: 'gho_16C7e42F292c6912E7710c838347Ae178B4a',
  token_type: 'bearer',
  scope: 'read:user,user:email',
};
const sampleVerification = { identifier: 'ada@example.com', token: '5f3c2a…', expires: '2026-01-15T09:40:00.000Z' };
const sampleAuthenticator = {
  credentialID: 'hC2dGq1h4hP0c3Y8V5aFJQ',
  userId: '42',
  providerAccountId: 'hC2dGq1h4hP0c3Y8V5aFJQ',
  credentialPublicKey: 'pQECAyYgASFYIK…',
  counter: 0,
  credentialDeviceType: 'multiDevice',
  credentialBackedUp: true,
  transports: 'internal,hybrid',
};

const secretHeader: ParameterObject = {
  name: 'X-Auth-Secret',
  in: 'header',
  required: true,
  description: 'AUTHJS_ADAPTER_SECRET, compared in constant time.',
  schema: { type: 'string' },
};

const found = (description: string, schema: SchemaObject, value: unknown, missDescription?: string) =>
  jsonResponse(
    missDescription === undefined ? description : `${description}, or null (${missDescription}).`,
    missDescription === undefined ? schema : orNull(schema),
    missDescription === undefined ? { found: { value } } : { found: { value }, miss: { value: null } },
  );

const noContent = { 204: { description: 'Done (also when there was nothing to delete).' } };
const userGone = errorResponse('The user id names no user.', errorExamples({ ADAPTER_USER_NOT_FOUND: 'No such user' }));
const conflict = errorResponse('It already exists.', errorExamples({ ADAPTER_CONFLICT: 'Already there' }));

/** One adapter operation: the secret header, the 401 without it, and what the operation adds. */
function operation(operationId: string, summary: string, rest: Partial<OperationObject>): OperationObject {
  return {
    operationId,
    tags: ['adapter'],
    summary,
    ...rest,
    parameters: [secretHeader, ...(rest.parameters ?? [])],
    responses: { ...rest.responses, 401: responseRef('AdapterSecretInvalid') },
  };
}

/** A body operation: its 400 for a bad field, and the shared body errors. */
function withBody<T>(
  schema: Parameters<typeof jsonBody<T>>[0],
  example: T,
  field: string,
  message: string,
  responses: OperationObject['responses'],
): Partial<OperationObject> {
  return {
    requestBody: jsonBody(schema, example),
    responses: { ...responses, 400: invalidBody([{ field, message }]), ...bodyErrors },
  };
}

const userParams = pathParameters(userIdParamsSchema, { id: '42' });
const accountParams = pathParameters(providerAccountParamsSchema, { provider: 'github', providerAccountId: '1234567' });
const sessionParams = pathParameters(sessionTokenParamsSchema, { sessionToken: sampleSession.sessionToken });
const emailSchema = jsonSchemaOf(emailQuerySchema).properties?.email ?? text;

/** The Auth.js adapter API (docs/reference/authjs.md); only while AUTHJS_ADAPTER_SECRET is set. */
export const adapterPaths: PathsObject = {
  '/adapter/users': {
    post: operation('adapterCreateUser', 'createUser: a user without a password (an id sent is ignored)', {
      ...withBody(
        adapterUserSchema,
        { email: sampleAdapterUser.email, name: 'Ada Lovelace', emailVerified: null },
        'email',
        'email must be a valid email',
        {
          200: found('The user, with its id', userSchema, sampleAdapterUser),
          409: errorResponse('The email belongs to another user.', errorExamples({ EMAIL_TAKEN: 'Email taken' })),
        },
      ),
    }),
    patch: operation('adapterUpdateUser', 'updateUser: change the fields sent', {
      ...withBody(adapterUserUpdateSchema, { id: '42', name: 'Ada King' }, 'id', 'id is required', {
        200: found('The user after the change', userSchema, sampleAdapterUser),
        404: userGone,
        409: errorResponse('The new email belongs to another user.', errorExamples({ EMAIL_TAKEN: 'Email taken' })),
      }),
    }),
  },
  '/adapter/users/{id}': {
    get: operation('adapterGetUser', 'getUser', {
      parameters: userParams,
      responses: { 200: found('The user', userSchema, sampleAdapterUser, 'no such user') },
    }),
    delete: operation(
      'adapterDeleteUser',
      'deleteUser: with its accounts, sessions (all of them), tokens and passkeys',
      {
        parameters: userParams,
        responses: noContent,
      },
    ),
  },
  '/adapter/users/emails': {
    get: operation('adapterGetUserByEmail', 'getUserByEmail', {
      parameters: [{ name: 'email', in: 'query', required: true, schema: emailSchema }],
      responses: {
        200: found('The user', userSchema, sampleAdapterUser, 'no user has this email'),
        400: errorResponse('No email.', {
          VALIDATION_FAILED: errorExample('VALIDATION_FAILED', 'No email', [
            { field: 'email', message: 'email is required' },
          ]),
        }),
      },
    }),
  },
  '/adapter/users/accounts': {
    post: operation('adapterLinkAccount', 'linkAccount: every field kept, provider extras included', {
      ...withBody(adapterAccountSchema, sampleAccount, 'type', 'type must be one of [oauth, oidc, email, webauthn]', {
        200: found('The account as linked', accountSchema, sampleAccount),
        404: userGone,
        409: conflict,
      }),
    }),
  },
  '/adapter/users/accounts/{provider}/{providerAccountId}': {
    get: operation('adapterGetUserByAccount', 'getUserByAccount', {
      parameters: accountParams,
      responses: { 200: found('The user of the account', userSchema, sampleAdapterUser, 'no such account') },
    }),
    delete: operation('adapterUnlinkAccount', 'unlinkAccount: the user stays', {
      parameters: accountParams,
      responses: noContent,
    }),
  },
  '/adapter/accounts/{provider}/{providerAccountId}': {
    get: operation('adapterGetAccount', 'getAccount', {
      parameters: accountParams,
      responses: { 200: found('The account', accountSchema, sampleAccount, 'no such account') },
    }),
  },
  '/adapter/users/sessions': {
    post: operation('adapterCreateSession', 'createSession: the token is stored as its SHA-256', {
      ...withBody(
        adapterSessionSchema,
        { ...sampleSession, expires: new Date(sampleSession.expires) },
        'expires',
        'expires must be in ISO 8601 date format',
        {
          200: found('The session', sessionSchema, sampleSession),
          404: userGone,
          409: conflict,
        },
      ),
    }),
    patch: operation('adapterUpdateSession', 'updateSession', {
      ...withBody(
        adapterSessionUpdateSchema,
        { sessionToken: sampleSession.sessionToken, expires: new Date(sampleSession.expires) },
        'sessionToken',
        'sessionToken is required',
        {
          200: found('The session after the change', sessionSchema, sampleSession, 'no such session'),
        },
      ),
    }),
  },
  '/adapter/users/sessions/{sessionToken}': {
    get: operation('adapterGetSession', 'The session alone (the original client then fetches the user)', {
      parameters: sessionParams,
      responses: { 200: found('The session', sessionSchema, sampleSession, 'unknown, expired, or its user disabled') },
    }),
    delete: operation('adapterDeleteSession', 'deleteSession', { parameters: sessionParams, responses: noContent }),
  },
  '/adapter/sessions/{sessionToken}': {
    get: operation('adapterGetSessionAndUser', 'getSessionAndUser in one round trip', {
      parameters: sessionParams,
      responses: {
        200: found(
          'The session and its user',
          {
            type: 'object',
            required: ['session', 'user'],
            additionalProperties: false,
            properties: { session: sessionSchema, user: userSchema },
          },
          { session: sampleSession, user: sampleAdapterUser },
          'unknown, expired, or its user disabled',
        ),
      },
    }),
  },
  '/adapter/users/verification': {
    post: operation('adapterCreateVerificationToken', 'createVerificationToken: stored as its SHA-256', {
      ...withBody(
        verificationTokenSchema,
        { ...sampleVerification, expires: new Date(sampleVerification.expires) },
        'token',
        'token is required',
        {
          200: found('The token', verificationSchema, sampleVerification),
          409: conflict,
        },
      ),
    }),
  },
  '/adapter/users/verification/use': {
    post: operation('adapterUseVerificationToken', 'useVerificationToken: the token once, then null', {
      ...withBody(
        verificationTokenUseSchema,
        { identifier: sampleVerification.identifier, token: sampleVerification.token },
        'token',
        'token is required',
        {
          200: found(
            'The token, deleted as it is read (an expired one too: Auth.js says so)',
            verificationSchema,
            sampleVerification,
            'unknown or used',
          ),
        },
      ),
    }),
  },
  '/adapter/authenticators': {
    post: operation('adapterCreateAuthenticator', 'createAuthenticator (a passkey)', {
      ...withBody(authenticatorSchema, sampleAuthenticator, 'counter', 'counter is required', {
        200: found('The authenticator', authenticatorAnswer, sampleAuthenticator),
        404: userGone,
        409: conflict,
      }),
    }),
    patch: operation('adapterUpdateAuthenticatorCounter', 'updateAuthenticatorCounter', {
      ...withBody(
        counterSchema,
        { credentialID: sampleAuthenticator.credentialID, counter: 1 },
        'counter',
        'counter must be greater than or equal to 0',
        {
          200: found('The authenticator after the change', authenticatorAnswer, sampleAuthenticator),
          404: errorResponse(
            'No such credential.',
            errorExamples({ AUTHENTICATOR_NOT_FOUND: 'Unknown credential id' }),
          ),
        },
      ),
    }),
  },
  '/adapter/authenticators/{credentialID}': {
    get: operation('adapterGetAuthenticator', 'getAuthenticator', {
      parameters: pathParameters(credentialParamsSchema, { credentialID: sampleAuthenticator.credentialID }),
      responses: { 200: found('The authenticator', authenticatorAnswer, sampleAuthenticator, 'no such credential') },
    }),
  },
  '/adapter/users/{id}/authenticators': {
    get: operation('adapterListAuthenticatorsByUserId', 'listAuthenticatorsByUserId', {
      parameters: userParams,
      responses: {
        200: jsonResponse(
          'The user’s authenticators, oldest first (none for an unknown user).',
          { type: 'array', items: authenticatorAnswer },
          {
            found: { value: [sampleAuthenticator] },
          },
        ),
      },
    }),
  },
};
