import type { OperationObject, ParameterObject, PathsObject, SchemaObject } from 'openapi3-ts/oas31';
import { ADAPTER_ROUTES, type AdapterInputs, type AdapterOperation, type AdapterRoute } from '../routes/adapter.routes';
import { jsonBody, pathParameters, queryParameters } from './request-bodies';
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

/** What the document says of one operation of the route table, beyond its route and schema. */
interface AdapterOperationDoc<T> {
  summary: string;
  /** A valid input: the body's example, or the path parameters' (a query documents none). */
  example?: T;
  /** A body operation's 400: the field and message of a typical mistake. */
  invalid?: { field: string; message: string };
  responses: OperationObject['responses'];
}

type AdapterDocs = { [Name in AdapterOperation]: AdapterOperationDoc<AdapterInputs[Name]> };

/** Throws at startup, as a refused example does, when the table leaves out what a route needs. */
function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`an adapter operation documents no ${what}`);
  return value;
}

/** The request side comes from the route's Joi schema; a body operation adds its 400 and the shared body errors. */
function requestSide<T>(route: AdapterRoute<T>, doc: AdapterOperationDoc<T>): Partial<OperationObject> {
  if ('body' in route) {
    const { field, message } = required(doc.invalid, 'invalid field');
    return {
      requestBody: jsonBody(route.body, required(doc.example, 'example')),
      responses: { ...doc.responses, 400: invalidBody([{ field, message }]), ...bodyErrors },
    };
  }
  const parameters =
    'params' in route
      ? pathParameters(route.params, required(doc.example, 'example'))
      : queryParameters(route.query, {});
  return { parameters, responses: doc.responses };
}

const userParams = { id: '42' };
const accountParams = { provider: 'github', providerAccountId: '1234567' };
const sessionParams = { sessionToken: sampleSession.sessionToken };

/** Each adapter operation as the document tells it, in the document's order (the router's is ADAPTER_ROUTES'). */
const adapterDocs: AdapterDocs = {
  createUser: {
    summary: 'createUser: a user without a password (an id sent is ignored)',
    example: { email: sampleAdapterUser.email, name: 'Ada Lovelace', emailVerified: null },
    invalid: { field: 'email', message: 'email must be a valid email' },
    responses: {
      200: found('The user, with its id', userSchema, sampleAdapterUser),
      409: errorResponse('The email belongs to another user.', errorExamples({ EMAIL_TAKEN: 'Email taken' })),
    },
  },
  updateUser: {
    summary: 'updateUser: change the fields sent',
    example: { id: '42', name: 'Ada King' },
    invalid: { field: 'id', message: 'id is required' },
    responses: {
      200: found('The user after the change', userSchema, sampleAdapterUser),
      404: userGone,
      409: errorResponse('The new email belongs to another user.', errorExamples({ EMAIL_TAKEN: 'Email taken' })),
    },
  },
  getUser: {
    summary: 'getUser',
    example: userParams,
    responses: { 200: found('The user', userSchema, sampleAdapterUser, 'no such user') },
  },
  deleteUser: {
    summary: 'deleteUser: with its accounts, sessions (all of them), tokens and passkeys',
    example: userParams,
    responses: noContent,
  },
  getUserByEmail: {
    summary: 'getUserByEmail',
    responses: {
      200: found('The user', userSchema, sampleAdapterUser, 'no user has this email'),
      400: errorResponse('No email.', {
        VALIDATION_FAILED: errorExample('VALIDATION_FAILED', 'No email', [
          { field: 'email', message: 'email is required' },
        ]),
      }),
    },
  },
  linkAccount: {
    summary: 'linkAccount: every field kept, provider extras included',
    example: sampleAccount,
    invalid: { field: 'type', message: 'type must be one of [oauth, oidc, email, webauthn]' },
    responses: {
      200: found('The account as linked', accountSchema, sampleAccount),
      404: userGone,
      409: conflict,
    },
  },
  getUserByAccount: {
    summary: 'getUserByAccount',
    example: accountParams,
    responses: { 200: found('The user of the account', userSchema, sampleAdapterUser, 'no such account') },
  },
  unlinkAccount: { summary: 'unlinkAccount: the user stays', example: accountParams, responses: noContent },
  getAccount: {
    summary: 'getAccount',
    example: accountParams,
    responses: { 200: found('The account', accountSchema, sampleAccount, 'no such account') },
  },
  createSession: {
    summary: 'createSession: the token is stored as its SHA-256',
    example: { ...sampleSession, expires: new Date(sampleSession.expires) },
    invalid: { field: 'expires', message: 'expires must be in ISO 8601 date format' },
    responses: {
      200: found('The session', sessionSchema, sampleSession),
      404: userGone,
      409: conflict,
    },
  },
  updateSession: {
    summary: 'updateSession',
    example: { sessionToken: sampleSession.sessionToken, expires: new Date(sampleSession.expires) },
    invalid: { field: 'sessionToken', message: 'sessionToken is required' },
    responses: { 200: found('The session after the change', sessionSchema, sampleSession, 'no such session') },
  },
  getSession: {
    summary: 'The session alone (the original client then fetches the user)',
    example: sessionParams,
    responses: { 200: found('The session', sessionSchema, sampleSession, 'unknown, expired, or its user disabled') },
  },
  deleteSession: { summary: 'deleteSession', example: sessionParams, responses: noContent },
  getSessionAndUser: {
    summary: 'getSessionAndUser in one round trip',
    example: sessionParams,
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
  },
  createVerificationToken: {
    summary: 'createVerificationToken: stored as its SHA-256',
    example: { ...sampleVerification, expires: new Date(sampleVerification.expires) },
    invalid: { field: 'token', message: 'token is required' },
    responses: {
      200: found('The token', verificationSchema, sampleVerification),
      409: conflict,
    },
  },
  useVerificationToken: {
    summary: 'useVerificationToken: the token once, then null',
    example: { identifier: sampleVerification.identifier, token: sampleVerification.token },
    invalid: { field: 'token', message: 'token is required' },
    responses: {
      200: found(
        'The token, deleted as it is read (an expired one too: Auth.js says so)',
        verificationSchema,
        sampleVerification,
        'unknown or used',
      ),
    },
  },
  createAuthenticator: {
    summary: 'createAuthenticator (a passkey)',
    example: sampleAuthenticator,
    invalid: { field: 'counter', message: 'counter is required' },
    responses: {
      200: found('The authenticator', authenticatorAnswer, sampleAuthenticator),
      404: userGone,
      409: conflict,
    },
  },
  updateAuthenticatorCounter: {
    summary: 'updateAuthenticatorCounter',
    example: { credentialID: sampleAuthenticator.credentialID, counter: 1 },
    invalid: { field: 'counter', message: 'counter must be greater than or equal to 0' },
    responses: {
      200: found('The authenticator after the change', authenticatorAnswer, sampleAuthenticator),
      404: errorResponse('No such credential.', errorExamples({ AUTHENTICATOR_NOT_FOUND: 'Unknown credential id' })),
    },
  },
  getAuthenticator: {
    summary: 'getAuthenticator',
    example: { credentialID: sampleAuthenticator.credentialID },
    responses: { 200: found('The authenticator', authenticatorAnswer, sampleAuthenticator, 'no such credential') },
  },
  listAuthenticatorsByUserId: {
    summary: 'listAuthenticatorsByUserId',
    example: userParams,
    responses: {
      200: jsonResponse(
        'The user’s authenticators, oldest first (none for an unknown user).',
        { type: 'array', items: authenticatorAnswer },
        { found: { value: [sampleAuthenticator] } },
      ),
    },
  },
};

/** One operation: its route from the table, `:name` written `{name}`, and `adapter<Name>` as its id. */
function adapterOperation<Name extends AdapterOperation>(
  name: Name,
  doc: AdapterDocs[Name],
): [string, string, OperationObject] {
  const route = ADAPTER_ROUTES[name];
  const operationId = `adapter${name.charAt(0).toUpperCase()}${name.slice(1)}`;
  const path = `/adapter${route.path.replace(/:(\w+)/g, '{$1}')}`;
  return [path, route.method, operation(operationId, doc.summary, requestSide(route, doc))];
}

/** The Auth.js adapter API (docs/reference/authjs.md); only while AUTHJS_ADAPTER_SECRET is set. */
export const adapterPaths: PathsObject = {};
for (const name of Object.keys(adapterDocs) as AdapterOperation[]) {
  const [path, method, documented] = adapterOperation(name, adapterDocs[name]);
  adapterPaths[path] = { ...adapterPaths[path], [method]: documented };
}
