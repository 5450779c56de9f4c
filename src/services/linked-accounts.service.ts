import { AppError } from '../errors/app-error';
import type { Database } from '../repositories';
import { recordAudit, type RequestOrigin } from './audit.service';

/** A provider linked to the caller, as GET /auth/accounts shows it. */
export interface LinkedAccountDto {
  provider: string;
  /** `oidc` for OpenID sign-in; Auth.js types (`oauth`, `email`, …) for links made through the adapter. */
  type: string;
  linked_at: string;
}

/** The providers a signed-in user can sign in with, and unlinking them. */
export function createLinkedAccountsService(database: Database) {
  return {
    /** The caller's linked providers, oldest first. */
    async list(userId: number): Promise<LinkedAccountDto[]> {
      const links = await database.accounts.listForUser(userId);
      return links.map((link) => ({
        provider: link.provider,
        type: link.type,
        linked_at: link.createdAt.toISOString(),
      }));
    },

    /**
     * Unlinks the caller's account at `provider`, unless it is their last way in (no password and
     * no other link). Under the user's lock, so two concurrent unlinks cannot each leave the other
     * as the last one and then both go.
     */
    async unlink(userId: number, provider: string, origin: RequestOrigin): Promise<void> {
      await database.inTransaction(async (transaction) => {
        const user = await transaction.users.lock(userId);
        if (user === null) throw new AppError('USER_NOT_FOUND');
        // The first plain read after the lock: it sees every link committed before the lock was granted.
        const links = await transaction.accounts.listForUser(userId);
        if (!links.some((link) => link.provider === provider)) throw new AppError('ACCOUNT_NOT_FOUND');
        const others = links.filter((link) => link.provider !== provider);
        if (user.passwordHash === null && others.length === 0) throw new AppError('LAST_SIGN_IN_METHOD');
        await transaction.accounts.deleteForUser(userId, provider);
        // A way into the account is gone: a security event, recorded with the change.
        const changes = { provider };
        await recordAudit(
          transaction,
          { actorId: userId, action: 'account.unlinked', targetUserId: userId, changes },
          origin,
        );
      });
    },
  };
}

export type LinkedAccountsService = ReturnType<typeof createLinkedAccountsService>;
