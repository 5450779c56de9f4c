import { AppError } from '../errors/app-error';
import type { Role } from '../models';
import type { Database, LockedUser, UserChanges, UserRecord } from '../repositories';
import type { AuditListQuery, PageQuery, UserListQuery, UserPatchInput } from '../validators/admin.schemas';
import {
  ROLE_RANK,
  toAdminUserDto,
  toWebhookDeliveryDto,
  type AdminUserDetailDto,
  type AdminUserDto,
  type Page,
  type WebhookDeliveryDto,
} from './admin-dto';
import { recordAudit, toAuditEventDto, type AuditEventDto, type RequestOrigin } from './audit.service';
import type { Authenticated } from './auth.service';
import type { Outbox } from './outbox.service';
import type { Revocations } from './revocations';
import type { SessionService } from './session.service';

export interface AdminServiceDeps {
  database: Database;
  /** Ends a user's access (endAllAccess) when they are disabled or revoked. */
  sessions: SessionService;
  /** Told of each revocation once committed (disable, revoke, delete), so every instance refuses the tokens. */
  revocations: Revocations;
  outbox: Outbox;
}

/** Who acts: the caller's row as the database has it now. */
type Actor = Pick<UserRecord, 'id' | 'role'>;

const isEnabledAdmin = (user: Pick<UserRecord, 'role' | 'disabledAt'>): boolean =>
  user.role === 'admin' && user.disabledAt === null;

/**
 * Whether `target` is the last enabled admin, `admins` being the locked set of enabled admins (see
 * UsersRepository.lockEnabledAdmins): demoting, disabling or deleting it leaves none (LAST_ADMIN).
 */
export const isLastEnabledAdmin = (admins: readonly number[], target: LockedUser): boolean =>
  isEnabledAdmin(target) && admins.every((id) => id === target.id);

/**
 * The admin API's rules: moderators find, rename, disable, enable and revoke plain users; admins
 * also change roles and emails, and delete. Every change and its audit entry (and webhook event)
 * commit in one transaction.
 */
export function createAdminService({ database, sessions, revocations, outbox }: AdminServiceDeps) {
  /**
   * The caller, with the role read from the database on this very request: a token's claims never
   * grant a role, so a demotion applies at once.
   */
  async function requireRole({ token }: Authenticated, minimum: Role): Promise<Actor> {
    const actor = await database.users.findById(token.userId);
    if (actor === null) throw new AppError('USER_NOT_FOUND');
    // A disabled user's tokens are revoked already; this also covers the cache's bound.
    if (actor.disabledAt !== null || ROLE_RANK[actor.role] < ROLE_RANK[minimum]) throw new AppError('FORBIDDEN');
    return actor;
  }

  /** A moderator acts on plain users only; an admin on anyone. */
  function requireAuthority(actor: Actor, target: Pick<UserRecord, 'role'>): void {
    if (actor.role !== 'admin' && target.role !== 'user') throw new AppError('FORBIDDEN');
  }

  /**
   * Refuses a change that leaves no enabled admin, and an admin-only change by an actor who is no
   * enabled admin any more. `admins` is the locked set (see UsersRepository.lockEnabledAdmins).
   */
  function guardAdmins(admins: number[], actor: Actor, target: LockedUser, after: { role: Role; disabled: boolean }) {
    const removesAdmin = after.role !== 'admin' || after.disabled;
    if (removesAdmin && isLastEnabledAdmin(admins, target)) throw new AppError('LAST_ADMIN');
    // Demoted by a transaction that committed since requireRole read the role.
    if (actor.role === 'admin' && !admins.includes(actor.id)) throw new AppError('FORBIDDEN');
  }

  async function findTarget(id: number): Promise<UserRecord> {
    const user = await database.users.findById(id);
    if (user === null) throw new AppError('TARGET_USER_NOT_FOUND');
    return user;
  }

  return {
    /** One page of users matching the filters, in the requested order. */
    async listUsers(auth: Authenticated, query: UserListQuery): Promise<{ users: AdminUserDto[] } & Page> {
      await requireRole(auth, 'moderator');
      const { users, total } = await database.users.search({
        ...(query.q === undefined || query.q === '' ? {} : { emailOrNamePrefix: query.q.toLowerCase() }),
        ...(query.role === undefined ? {} : { role: query.role }),
        ...(query.disabled === undefined ? {} : { disabled: query.disabled }),
        sort: query.sort,
        offset: (query.page - 1) * query.limit,
        limit: query.limit,
      });
      return { users: users.map(toAdminUserDto), total, page: query.page, limit: query.limit };
    },

    /** One user with live sessions, linked providers and last login. */
    async getUser(auth: Authenticated, id: number): Promise<AdminUserDetailDto> {
      await requireRole(auth, 'moderator');
      const user = await findTarget(id);
      const [sessions, providers, lastLoginAt] = await Promise.all([
        database.sessions.countLive(id, new Date()),
        database.accounts.findProviders(id),
        database.sessions.findLastLoginAt(id),
      ]);
      const last_login_at = lastLoginAt === null ? null : lastLoginAt.toISOString();
      return { ...toAdminUserDto(user), sessions, providers, last_login_at };
    },

    /**
     * Changes name and disabled (moderator+), role and email (admin). Disabling ends every session
     * and, by a token-version bump, every access token. See guardAdmins for LAST_ADMIN.
     */
    async updateUser(auth: Authenticated, id: number, input: UserPatchInput, origin: RequestOrigin) {
      const actor = await requireRole(auth, 'moderator');
      const adminOnly = input.role !== undefined || input.email !== undefined;
      if (adminOnly && actor.role !== 'admin') throw new AppError('FORBIDDEN');
      // Nobody changes their own role or disables themselves: an admin cannot lock themselves out.
      if (actor.id === id && (input.role !== undefined || input.disabled === true)) throw new AppError('FORBIDDEN');
      const revocation = await database.inTransaction(async (transaction) => {
        // THE LOCK ORDER (UsersRepository.lock): the enabled admins first, then the target.
        const mayRemoveAdmin = adminOnly || input.disabled === true;
        const admins = mayRemoveAdmin ? await transaction.users.lockEnabledAdmins() : [];
        const target = await transaction.users.lock(id);
        if (target === null) throw new AppError('TARGET_USER_NOT_FOUND');
        requireAuthority(actor, target);
        const disabled = input.disabled ?? target.disabledAt !== null;
        if (mayRemoveAdmin) guardAdmins(admins, actor, target, { role: input.role ?? target.role, disabled });

        const changes: UserChanges = {};
        const renamed: Record<string, { from: unknown; to: unknown }> = {};
        for (const field of ['name', 'email'] as const) {
          const value = input[field];
          if (value !== undefined && value !== target[field]) {
            changes[field] = value;
            renamed[field] = { from: target[field], to: value };
          }
        }
        const roleChanged = input.role !== undefined && input.role !== target.role;
        if (roleChanged) changes.role = input.role;
        const disabling = disabled && target.disabledAt === null;
        const enabling = !disabled && target.disabledAt !== null;
        if (disabling) changes.disabledAt = new Date();
        if (enabling) changes.disabledAt = null;
        if (Object.keys(changes).length === 0) return null;
        // Nobody has proven the new address yet (links mailed to the old one no longer work: addressHash).
        const unproven = changes.email === undefined ? {} : { emailVerified: null };
        if (!(await transaction.users.update(id, { ...changes, ...unproven }))) throw new AppError('EMAIL_TAKEN');

        const after = { ...target, ...changes };
        const audit = (action: Parameters<typeof recordAudit>[1]['action'], details?: typeof renamed) =>
          recordAudit(transaction, { actorId: actor.id, action, targetUserId: id, changes: details }, origin);
        if (Object.keys(renamed).length > 0) await audit('user.updated', renamed);
        if (roleChanged) await audit('user.role_changed', { role: { from: target.role, to: after.role } });
        if (enabling) await audit('user.enabled');
        const eventChanges: typeof renamed = { ...renamed };
        if (roleChanged) eventChanges.role = { from: target.role, to: after.role };
        if (enabling) eventChanges.disabled = { from: true, to: false };
        if (Object.keys(eventChanges).length > 0)
          await outbox.enqueue(transaction, 'user.updated', after, eventChanges);
        if (!disabling) return null;
        const ended = await sessions.endAllAccess(target, 'admin', transaction);
        await audit('user.disabled');
        await outbox.enqueue(transaction, 'user.disabled', after);
        return ended;
      });
      if (revocation !== null) revocations.announce(revocation);
      return toAdminUserDto(await findTarget(id));
    },

    /** Ends every session and, by a token-version bump, every access token of the user. */
    async revokeSessions(auth: Authenticated, id: number, origin: RequestOrigin): Promise<number> {
      const actor = await requireRole(auth, 'moderator');
      const revocation = await database.inTransaction(async (transaction) => {
        const target = await transaction.users.lock(id);
        if (target === null) throw new AppError('TARGET_USER_NOT_FOUND');
        requireAuthority(actor, target);
        const ended = await sessions.endAllAccess(target, 'admin', transaction);
        const changes = { sessions: ended.endedSessionIds.length };
        await recordAudit(
          transaction,
          { actorId: actor.id, action: 'user.sessions_revoked', targetUserId: id, changes },
          origin,
        );
        await outbox.enqueue(transaction, 'user.sessions_revoked', target);
        return ended;
      });
      revocations.announce(revocation);
      return revocation.endedSessionIds.length;
    },

    /**
     * Deletes the user with their sessions, blocked tokens, provider links and the Auth.js sign-in links
     * of their address; the audit log keeps the record.
     */
    async deleteUser(auth: Authenticated, id: number, origin: RequestOrigin): Promise<void> {
      const actor = await requireRole(auth, 'admin');
      if (actor.id === id) throw new AppError('FORBIDDEN');
      const tokenVersion = await database.inTransaction(async (transaction) => {
        const admins = await transaction.users.lockEnabledAdmins();
        const target = await transaction.users.lock(id);
        if (target === null) throw new AppError('TARGET_USER_NOT_FOUND');
        guardAdmins(admins, actor, target, { role: 'user', disabled: true });
        const changes = { email: target.email, role: target.role };
        await recordAudit(
          transaction,
          { actorId: actor.id, action: 'user.deleted', targetUserId: id, changes },
          origin,
        );
        await outbox.enqueue(transaction, 'user.deleted', target);
        // Keyed by the address, not the user: no cascade removes them. As the adapter's delete does.
        await transaction.verificationTokens.deleteByIdentifier(target.email);
        await transaction.users.destroy(id);
        return target.tokenVersion + 1;
      });
      // Other instances may still hold the user in their caches: the version floor refuses its tokens.
      revocations.announce({ reason: 'admin', userId: id, tokenVersion });
    },

    /** Audit entries, newest first (admin only). */
    async listAudit(auth: Authenticated, query: AuditListQuery): Promise<{ events: AuditEventDto[] } & Page> {
      await requireRole(auth, 'admin');
      const { events, total } = await database.auditEvents.list({
        ...(query.actor === undefined ? {} : { actorId: query.actor === 'system' ? null : Number(query.actor) }),
        ...(query.target === undefined ? {} : { targetUserId: query.target }),
        ...(query.action === undefined ? {} : { action: query.action }),
        ...(query.since === undefined ? {} : { since: query.since }),
        offset: (query.page - 1) * query.limit,
        limit: query.limit,
      });
      return { events: events.map(toAuditEventDto), total, page: query.page, limit: query.limit };
    },

    /** Webhook events and their outcomes, newest first (admin only). */
    async listDeliveries(auth: Authenticated, query: PageQuery): Promise<{ deliveries: WebhookDeliveryDto[] } & Page> {
      await requireRole(auth, 'admin');
      const { deliveries, total } = await database.webhookDeliveries.listRecent(
        (query.page - 1) * query.limit,
        query.limit,
      );
      return { deliveries: deliveries.map(toWebhookDeliveryDto), total, page: query.page, limit: query.limit };
    },
  };
}

export type AdminService = ReturnType<typeof createAdminService>;
