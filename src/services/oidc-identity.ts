import { AppError } from '../errors/app-error';
import type { Database, Repositories, UserRecord } from '../repositories';
import { displayable, emailRule } from '../validators/auth.schemas';
import { recordAudit, type RequestOrigin } from './audit.service';
import type { Outbox } from './outbox.service';

/** Who the provider says signed in. */
export interface ProviderIdentity {
  provider: string;
  /** The provider's `sub`: with the provider name, the identity's key in `accounts`. */
  subject: string;
  email: string | null;
  /** Only `email_verified: true` counts; absent or anything else is false. */
  emailVerified: boolean;
  name: string | null;
}

/** Thrown inside the transaction when a concurrent sign-in of the same identity or email won a unique index. */
class LostRace extends Error {}

/** A user this identity may sign in as: not disabled (a deleted user has no account rows left). */
function usable(user: UserRecord | null): number {
  if (user === null || user.disabledAt !== null) throw new AppError('OIDC_ACCESS_DENIED');
  return user.id;
}

/** The provider's email as users.email holds emails, or null when it is missing or not one. */
function normalisedEmail(email: string | null): string | null {
  if (email === null) return null;
  const result = emailRule.validate(email);
  return result.error === undefined && typeof result.value === 'string' ? result.value : null;
}

async function resolve(
  transaction: Repositories,
  identity: ProviderIdentity,
  outbox: Outbox,
  origin: RequestOrigin,
): Promise<number> {
  const { provider, subject } = identity;
  const link = await transaction.accounts.findByProviderAccount(provider, subject);
  if (link !== null) return usable(await transaction.users.findById(link.userId));
  const email = normalisedEmail(identity.email);
  if (email === null) {
    throw new AppError('OIDC_PROVIDER_ERROR', { details: [{ field: 'error', message: 'email_missing' }] });
  }
  // Only on the provider's word that the address is this person's: otherwise anyone who can put an
  // email on a provider account would take over its user, or hold the address against its owner.
  if (!identity.emailVerified) throw new AppError('OIDC_EMAIL_UNVERIFIED');
  const existing = await transaction.users.findByEmail(email);
  let userId: number;
  if (existing !== null) {
    // And only to a user who proved the address too: whoever signed up with it unproven (pre-account
    // takeover) would otherwise share the account with its owner, password and sessions included.
    if (existing.emailVerified === null) throw new AppError('OIDC_ACCOUNT_UNVERIFIED');
    userId = usable(existing);
  } else {
    const created = await transaction.users.create({
      email,
      passwordHash: null,
      // Whole code points: a cut through a surrogate pair would store half a character.
      name: identity.name === null ? null : Array.from(displayable(identity.name)).slice(0, 100).join(''),
      emailVerified: new Date(),
    });
    if (created === null) throw new LostRace();
    // The same event as a signup's: a webhook receiver learns of every user, however it came.
    await outbox.enqueue(transaction, 'user.created', created);
    userId = created.id;
  }
  if (!(await transaction.accounts.link({ userId, type: 'oidc', provider, providerAccountId: subject }))) {
    throw new LostRace();
  }
  // A new way into the account (an existing one, by its verified email): a security event.
  const changes = { provider, created: existing === null };
  await recordAudit(transaction, { actorId: null, action: 'account.linked', targetUserId: userId, changes }, origin);
  return userId;
}

/**
 * The user this provider identity signs in as: the one its account row names; else, for a new
 * identity whose email the provider verified, the user with that email (linked only when that user
 * verified it too); else a new user without a password. Nothing is written when the sign-in is refused. Concurrent first
 * sign-ins are decided by the unique indexes: the loser runs again and finds what the winner wrote.
 */
export async function linkedUserFor(
  database: Database,
  identity: ProviderIdentity,
  outbox: Outbox,
  origin: RequestOrigin,
): Promise<number> {
  try {
    return await database.inTransaction((transaction) => resolve(transaction, identity, outbox, origin));
  } catch (error) {
    if (!(error instanceof LostRace)) throw error;
    return database.inTransaction((transaction) => resolve(transaction, identity, outbox, origin));
  }
}
