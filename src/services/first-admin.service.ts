import type { Database } from '../repositories';
import { emailRule, newPasswordRule } from '../validators/auth.schemas';
import { recordAudit, SYSTEM_ORIGIN } from './audit.service';
import type { Outbox } from './outbox.service';
import type { PasswordHasher } from './password.service';

/** What `--create-admin` did: made a new admin, promoted an existing user, or found one already. */
export type EnsureAdminOutcome = 'created' | 'promoted' | 'already';

/** A refusal of `--create-admin` the operator can fix: printed as one line, exit code 1. */
export class AdminSetupError extends Error {
  override name = 'AdminSetupError';
}

export interface FirstAdminDeps {
  database: Database;
  passwords: PasswordHasher;
  outbox: Outbox;
}

/** The value `rule` accepts, or an AdminSetupError with Joi's message. */
function checked(rule: typeof emailRule, value: string): string {
  const result = rule.validate(value, { errors: { wrap: { label: false } } });
  if (result.error !== undefined) throw new AdminSetupError(result.error.message);
  return result.value;
}

/**
 * Makes the user of `rawEmail` an admin, creating it when missing with the password `askPassword`
 * gives (null: none to be had, refused). Idempotent: an admin stays as is. The change, its audit
 * entry and its webhook event commit together; the admin rows are locked first (see lockEnabledAdmins).
 */
export async function ensureAdmin(
  { database, passwords, outbox }: FirstAdminDeps,
  rawEmail: string,
  askPassword: () => Promise<string | null>,
): Promise<{ outcome: EnsureAdminOutcome; userId: number; email: string }> {
  const email = checked(emailRule.label('email'), rawEmail);
  const existing = await database.users.findByEmail(email);
  if (existing === null) {
    const password = await askPassword();
    if (password === null) {
      throw new AdminSetupError(`no user ${email}, and no password for one: set ADMIN_PASSWORD or run on a terminal`);
    }
    const passwordHash = await passwords.hash(checked(newPasswordRule.label('password'), password));
    const created = await database.inTransaction(async (transaction) => {
      await transaction.users.lockEnabledAdmins();
      const user = await transaction.users.create({ email, passwordHash, name: null });
      // Another process created it meanwhile: promote that one instead (below).
      if (user === null) return null;
      await transaction.users.update(user.id, { role: 'admin' });
      const entry = {
        actorId: null,
        action: 'admin.created',
        targetUserId: user.id,
        changes: { created: true },
      } as const;
      await recordAudit(transaction, entry, SYSTEM_ORIGIN);
      await outbox.enqueue(transaction, 'user.created', { ...user, role: 'admin' });
      return user.id;
    });
    if (created !== null) return { outcome: 'created', userId: created, email };
  }
  return database.inTransaction(async (transaction) => {
    await transaction.users.lockEnabledAdmins();
    const user = await transaction.users.findByEmail(email);
    if (user === null) throw new AdminSetupError(`user ${email} was deleted meanwhile; run the command again`);
    const locked = await transaction.users.lock(user.id);
    if (locked === null) throw new AdminSetupError(`user ${email} was deleted meanwhile; run the command again`);
    if (locked.role === 'admin') return { outcome: 'already', userId: locked.id, email };
    await transaction.users.update(locked.id, { role: 'admin' });
    const changes = { role: { from: locked.role, to: 'admin' } };
    await recordAudit(
      transaction,
      { actorId: null, action: 'admin.created', targetUserId: locked.id, changes },
      SYSTEM_ORIGIN,
    );
    await outbox.enqueue(transaction, 'user.updated', { ...locked, role: 'admin' }, changes);
    return { outcome: 'promoted', userId: locked.id, email };
  });
}
