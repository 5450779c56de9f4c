import { randomUUID } from 'node:crypto';
import type { Test } from 'supertest';
import { ADAPTER_SECRET } from './config';
import { api, uniqueEmail } from './factories';
import { call, concreteUrl, type OperationCall, type Scenario } from './openapi-call';

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

/** A request to /adapter with the secret. */
const adapter = (method: 'get' | 'post' | 'patch' | 'delete', path: string): Test =>
  api()[method](path).set('X-Auth-Secret', ADAPTER_SECRET);

/** A user with every field set, as the documented examples show one. */
async function createdUser(): Promise<{ id: string; email: string }> {
  const user = {
    email: uniqueEmail(),
    name: 'Ada Lovelace',
    emailVerified: new Date().toISOString(),
    image: 'https://example.com/a.png',
  };
  const response = await adapter('post', '/adapter/users').send(user).expect(200);
  return response.body as { id: string; email: string };
}

async function linkedAccount() {
  const user = await createdUser();
  const account = {
    userId: user.id,
    type: 'oauth',
    provider: 'github',
    providerAccountId: randomUUID(),
    access_token: 'a',
    token_type: 'bearer',
    scope: 's',
  };
  await adapter('post', '/adapter/users/accounts').send(account).expect(200);
  return account;
}

async function liveSession() {
  const user = await createdUser();
  const session = { sessionToken: randomUUID(), userId: user.id, expires: inAnHour() };
  await adapter('post', '/adapter/users/sessions').send(session).expect(200);
  return session;
}

function authenticatorOf(userId: string) {
  return {
    credentialID: randomUUID(),
    userId,
    providerAccountId: randomUUID(),
    credentialPublicKey: 'key',
    counter: 0,
    credentialDeviceType: 'multiDevice',
    credentialBackedUp: true,
    transports: 'internal',
  };
}

async function registeredAuthenticator() {
  const authenticator = authenticatorOf((await createdUser()).id);
  await adapter('post', '/adapter/authenticators').send(authenticator).expect(200);
  return authenticator;
}

const miss: Scenario = (operation) => call(operation);
const NO_USER = '999999999';

/** The shared 401 of every /adapter operation: no X-Auth-Secret at all. */
export const ADAPTER_SECRET_SCENARIO: Scenario = (operation: OperationCall) =>
  api()[operation.method as 'get' | 'post' | 'patch' | 'delete'](concreteUrl(operation.path));

/** Scenarios of the /adapter operations' own examples, by `METHOD /path` then example name. */
export const ADAPTER_SCENARIOS: Record<string, Record<string, Scenario>> = {
  'POST /adapter/users': {
    found: () =>
      adapter('post', '/adapter/users').send({
        email: uniqueEmail(),
        name: 'Ada',
        emailVerified: inAnHour(),
        image: 'https://example.com/a.png',
      }),
    VALIDATION_FAILED: (operation) => call(operation).send({ email: 'not-an-email' }),
    EMAIL_TAKEN: async (operation) => call(operation).send({ email: (await createdUser()).email }),
  },
  'PATCH /adapter/users': {
    found: async () => adapter('patch', '/adapter/users').send({ id: (await createdUser()).id, name: 'Ada King' }),
    VALIDATION_FAILED: (operation) => call(operation).send({ name: 'no id' }),
    ADAPTER_USER_NOT_FOUND: (operation) => call(operation).send({ id: NO_USER, name: 'x' }),
    EMAIL_TAKEN: async (operation) =>
      call(operation).send({ id: (await createdUser()).id, email: (await createdUser()).email }),
  },
  'GET /adapter/users/{id}': {
    found: async () => adapter('get', `/adapter/users/${(await createdUser()).id}`),
    miss,
  },
  'GET /adapter/users/emails': {
    found: async () => adapter('get', `/adapter/users/emails?email=${(await createdUser()).email}`),
    miss: () => adapter('get', `/adapter/users/emails?email=${uniqueEmail()}`),
    VALIDATION_FAILED: (operation) => call(operation),
  },
  'POST /adapter/users/accounts': {
    found: async () => {
      const user = await createdUser();
      return adapter('post', '/adapter/users/accounts').send({
        userId: user.id,
        type: 'oauth',
        provider: 'github',
        providerAccountId: randomUUID(),
        access_token: 'a',
        token_type: 'bearer',
        scope: 's',
      });
    },
    VALIDATION_FAILED: (operation) =>
      call(operation).send({ userId: '1', type: 'magic', provider: 'x', providerAccountId: 'y' }),
    ADAPTER_USER_NOT_FOUND: (operation) =>
      call(operation).send({ userId: NO_USER, type: 'oauth', provider: 'x', providerAccountId: randomUUID() }),
    ADAPTER_CONFLICT: async (operation) => call(operation).send(await linkedAccount()),
  },
  'GET /adapter/users/accounts/{provider}/{providerAccountId}': {
    found: async () => {
      const account = await linkedAccount();
      return adapter('get', `/adapter/users/accounts/github/${account.providerAccountId}`);
    },
    miss,
  },
  'GET /adapter/accounts/{provider}/{providerAccountId}': {
    found: async () => {
      const account = await linkedAccount();
      return adapter('get', `/adapter/accounts/github/${account.providerAccountId}`);
    },
    miss,
  },
  'POST /adapter/users/sessions': {
    found: async () =>
      adapter('post', '/adapter/users/sessions').send({
        sessionToken: randomUUID(),
        userId: (await createdUser()).id,
        expires: inAnHour(),
      }),
    VALIDATION_FAILED: (operation) => call(operation).send({ sessionToken: 't', userId: '1', expires: 'soon' }),
    ADAPTER_USER_NOT_FOUND: (operation) =>
      call(operation).send({ sessionToken: randomUUID(), userId: NO_USER, expires: inAnHour() }),
    ADAPTER_CONFLICT: async (operation) => {
      const session = await liveSession();
      return call(operation).send(session);
    },
  },
  'PATCH /adapter/users/sessions': {
    found: async () => {
      const session = await liveSession();
      return adapter('patch', '/adapter/users/sessions').send({
        sessionToken: session.sessionToken,
        expires: inAnHour(),
      });
    },
    miss: (operation) => call(operation).send({ sessionToken: randomUUID(), expires: inAnHour() }),
    VALIDATION_FAILED: (operation) => call(operation).send({ expires: inAnHour() }),
  },
  'GET /adapter/users/sessions/{sessionToken}': {
    found: async () => adapter('get', `/adapter/users/sessions/${(await liveSession()).sessionToken}`),
    miss,
  },
  'GET /adapter/sessions/{sessionToken}': {
    found: async () => adapter('get', `/adapter/sessions/${(await liveSession()).sessionToken}`),
    miss,
  },
  'POST /adapter/users/verification': {
    found: () =>
      adapter('post', '/adapter/users/verification').send({
        identifier: uniqueEmail(),
        token: randomUUID(),
        expires: inAnHour(),
      }),
    VALIDATION_FAILED: (operation) => call(operation).send({ identifier: 'a', expires: inAnHour() }),
    ADAPTER_CONFLICT: async (operation) => {
      const token = { identifier: uniqueEmail(), token: randomUUID(), expires: inAnHour() };
      await call(operation).send(token).expect(200);
      return call(operation).send(token);
    },
  },
  'POST /adapter/users/verification/use': {
    found: async () => {
      const token = { identifier: uniqueEmail(), token: randomUUID() };
      await adapter('post', '/adapter/users/verification')
        .send({ ...token, expires: inAnHour() })
        .expect(200);
      return adapter('post', '/adapter/users/verification/use').send(token);
    },
    miss: (operation) => call(operation).send({ identifier: uniqueEmail(), token: randomUUID() }),
    VALIDATION_FAILED: (operation) => call(operation).send({ identifier: 'a' }),
  },
  'POST /adapter/authenticators': {
    found: async () => adapter('post', '/adapter/authenticators').send(authenticatorOf((await createdUser()).id)),
    VALIDATION_FAILED: (operation) => call(operation).send({ ...authenticatorOf('1'), counter: undefined }),
    ADAPTER_USER_NOT_FOUND: (operation) => call(operation).send(authenticatorOf(NO_USER)),
    ADAPTER_CONFLICT: async (operation) => call(operation).send(await registeredAuthenticator()),
  },
  'PATCH /adapter/authenticators': {
    found: async () =>
      adapter('patch', '/adapter/authenticators').send({
        credentialID: (await registeredAuthenticator()).credentialID,
        counter: 3,
      }),
    VALIDATION_FAILED: (operation) => call(operation).send({ credentialID: 'c', counter: -1 }),
    AUTHENTICATOR_NOT_FOUND: (operation) => call(operation).send({ credentialID: randomUUID(), counter: 1 }),
  },
  'GET /adapter/authenticators/{credentialID}': {
    found: async () => adapter('get', `/adapter/authenticators/${(await registeredAuthenticator()).credentialID}`),
    miss,
  },
  'GET /adapter/users/{id}/authenticators': {
    found: async () => adapter('get', `/adapter/users/${(await registeredAuthenticator()).userId}/authenticators`),
  },
};
