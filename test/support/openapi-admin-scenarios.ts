import { randomUUID } from 'node:crypto';
import { WebhookDelivery } from '../../src/models';
import { bearer, loggedInAs, mutualAdminRemoval, userWithRole } from './admins';
import { api, createUser, loggedInUser } from './factories';
import type { OperationCall, Scenario } from './openapi-call';

/** An id no user has. */
const NO_SUCH_ID = 4_000_000_000;

function adminCall(operation: OperationCall, token: string, path: string) {
  const method = operation.method as 'get' | 'post' | 'patch' | 'delete';
  return api()[method](path).set('Authorization', bearer(token));
}

/** `operation` on `{id}` = `id`, by a caller of `role`, with `body` if given. */
async function onUser(
  operation: OperationCall,
  role: 'user' | 'moderator' | 'admin',
  id: number | string,
  body?: object,
) {
  const { accessToken } = await loggedInAs(role);
  const request = adminCall(operation, accessToken, operation.path.replace('{id}', String(id)));
  return body === undefined ? request : request.send(body);
}

/** The first of `kind`'s answers that is a 409: retried, since which request wins is the race's. */
async function lastAdminAnswer(kind: 'patch' | 'delete') {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const { answers } = await mutualAdminRemoval(kind);
    const conflict = answers.find((answer) => answer.status === 409);
    if (conflict !== undefined) return conflict;
  }
  throw new Error('twenty races without a LAST_ADMIN answer');
}

/** Scenarios of the admin routes' own examples, by `METHOD /path` then example name. */
export const ADMIN_SCENARIOS: Record<string, Record<string, Scenario>> = {
  'GET /admin/users': {
    users: async (operation) => {
      const prefix = `find-${randomUUID()}`;
      await createUser({ email: `${prefix}@example.com` });
      const { accessToken } = await loggedInAs('moderator');
      return adminCall(operation, accessToken, `/admin/users?q=${prefix}`);
    },
    VALIDATION_FAILED: async (operation) => {
      const { accessToken } = await loggedInAs('admin');
      return adminCall(operation, accessToken, '/admin/users?limit=101');
    },
    FORBIDDEN: async (operation) => onUser(operation, 'user', ''),
  },
  'GET /admin/users/{id}': {
    user: async (operation) => {
      const { user } = await loggedInUser();
      return onUser(operation, 'moderator', user.id);
    },
    VALIDATION_FAILED: (operation) => onUser(operation, 'admin', 'abc'),
    FORBIDDEN: (operation) => onUser(operation, 'user', 1),
    TARGET_USER_NOT_FOUND: (operation) => onUser(operation, 'admin', NO_SUCH_ID),
  },
  'PATCH /admin/users/{id}': {
    updated: async (operation) => {
      const { user } = await createUser();
      return onUser(operation, 'moderator', user.id, { disabled: true });
    },
    VALIDATION_FAILED: async (operation) => onUser(operation, 'admin', 1, { role: 'root' }),
    FORBIDDEN: async (operation) => {
      const { user } = await createUser();
      return onUser(operation, 'moderator', user.id, { role: 'moderator' });
    },
    TARGET_USER_NOT_FOUND: async (operation) => onUser(operation, 'admin', NO_SUCH_ID, { name: 'X' }),
    EMAIL_TAKEN: async (operation) => {
      const [{ user }, { user: other }] = await Promise.all([createUser(), createUser()]);
      return onUser(operation, 'admin', user.id, { email: other.email });
    },
    LAST_ADMIN: () => lastAdminAnswer('patch'),
  },
  'DELETE /admin/users/{id}': {
    deleted: async (operation) => {
      const { user } = await createUser();
      return onUser(operation, 'admin', user.id);
    },
    VALIDATION_FAILED: (operation) => onUser(operation, 'admin', 'abc'),
    FORBIDDEN: async (operation) => {
      const { user } = await createUser();
      return onUser(operation, 'moderator', user.id);
    },
    TARGET_USER_NOT_FOUND: (operation) => onUser(operation, 'admin', NO_SUCH_ID),
    LAST_ADMIN: () => lastAdminAnswer('delete'),
  },
  'POST /admin/users/{id}/revoke': {
    revoked: async (operation) => {
      const { user } = await loggedInUser();
      return onUser(operation, 'moderator', user.id);
    },
    VALIDATION_FAILED: (operation) => onUser(operation, 'admin', 'abc'),
    FORBIDDEN: async (operation) => onUser(operation, 'moderator', (await userWithRole('admin')).id),
    TARGET_USER_NOT_FOUND: (operation) => onUser(operation, 'admin', NO_SUCH_ID),
  },
  'GET /admin/audit': {
    events: async (operation) => {
      const { user } = await createUser();
      const { accessToken } = await loggedInAs('admin');
      await api()
        .patch(`/admin/users/${user.id}`)
        .set('Authorization', bearer(accessToken))
        .send({ disabled: true })
        .expect(200);
      return adminCall(operation, accessToken, `/admin/audit?target=${user.id}&action=user.disabled`);
    },
    VALIDATION_FAILED: async (operation) => {
      const { accessToken } = await loggedInAs('admin');
      return adminCall(operation, accessToken, '/admin/audit?actor=someone');
    },
    FORBIDDEN: (operation) => onUser(operation, 'moderator', ''),
  },
  'GET /admin/webhooks/deliveries': {
    deliveries: async (operation) => {
      await WebhookDelivery.create({
        eventId: randomUUID(),
        type: 'user.created',
        userId: null,
        body: '{}',
        status: 'failed',
        nextAttemptAt: new Date(),
      });
      const { accessToken } = await loggedInAs('admin');
      return adminCall(operation, accessToken, '/admin/webhooks/deliveries?limit=1');
    },
    VALIDATION_FAILED: async (operation) => {
      const { accessToken } = await loggedInAs('admin');
      return adminCall(operation, accessToken, '/admin/webhooks/deliveries?page=0');
    },
    FORBIDDEN: (operation) => onUser(operation, 'moderator', ''),
  },
};
