import { User, type Role } from '../../src/models';
import { api, createUser, loggedInUser } from './factories';

export const bearer = (token: string): string => `Bearer ${token}`;

/** A logged-in user whose role is `role` (set in the database: roles are read from there on every call). */
export async function loggedInAs(role: Role) {
  const signedIn = await loggedInUser();
  await User.update({ role }, { where: { id: signedIn.user.id } });
  return signedIn;
}

/** A user with a role, not logged in. */
export async function userWithRole(role: Role) {
  const { user } = await createUser();
  await user.update({ role });
  return user;
}

/**
 * Leaves no enabled admin in the database: LAST_ADMIN counts every admin, so a test of it starts
 * from a known set (each test makes its own admins afterwards).
 */
export async function demoteEveryAdmin(): Promise<void> {
  await User.update({ role: 'user' }, { where: { role: 'admin' } });
}

/**
 * Two fresh admins demote (`patch`) or delete each other at once, as the only admins; returns both
 * answers' statuses and codes, and how many of the two are still enabled admins.
 */
export async function mutualAdminRemoval(kind: 'patch' | 'delete') {
  await demoteEveryAdmin();
  const [first, second] = await Promise.all([loggedInAs('admin'), loggedInAs('admin')]);
  const app = api();
  const remove = (actor: typeof first, target: typeof first) => {
    const path = `/admin/users/${target.user.id}`;
    const request = kind === 'patch' ? app.patch(path).send({ role: 'user' }) : app.delete(path);
    return request.set('Authorization', bearer(actor.accessToken));
  };
  const answers = await Promise.all([remove(first, second), remove(second, first)]);
  const admins = await User.count({ where: { id: [first.user.id, second.user.id], role: 'admin', disabledAt: null } });
  return { answers, admins };
}
