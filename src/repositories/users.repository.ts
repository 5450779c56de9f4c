import { Transaction, UniqueConstraintError } from 'sequelize';
import { User, type Role } from '../models';

/** A user row as the services see it: plain data, no model instance. */
export interface UserRecord {
  id: number;
  email: string;
  /** Null for a user who signed in through a provider that gave no name. */
  name: string | null;
  /** When the email address was proven to be the user's; null until then. */
  emailVerified: Date | null;
  image: string | null;
  /** When an admin or moderator suspended the user; null while the user may sign in. */
  disabledAt: Date | null;
  role: Role;
  /** Null for a user who only ever signed in through a provider: no password login. */
  passwordHash: string | null;
  tokenVersion: number;
  createdAt: Date;
}

/** What a transaction may rely on once it holds the user row's lock. */
export type LockedUser = Pick<UserRecord, 'id' | 'passwordHash' | 'tokenVersion'>;

const FIELDS: (keyof UserRecord)[] = [
  'id',
  'email',
  'name',
  'emailVerified',
  'image',
  'disabledAt',
  'role',
  'passwordHash',
  'tokenVersion',
  'createdAt',
];

/** The one place that reads and writes the `users` table. */
export interface UsersRepository {
  findById(id: number): Promise<UserRecord | null>;
  /** `email` must already be normalised. */
  findByEmail(email: string): Promise<UserRecord | null>;
  /** Inserts a user; null when the email is taken (the unique index decided, see signup). */
  create(
    fields: Pick<UserRecord, 'email' | 'passwordHash' | 'name'> & Partial<Pick<UserRecord, 'emailVerified'>>,
  ): Promise<UserRecord | null>;
  /**
   * THE LOCK ORDER. Every transaction that changes a user's sessions, or reads them to decide a
   * change, takes its locks in one order: first the user row (this function: SELECT … FOR UPDATE),
   * then that user's `sessions` rows (and `blocked_tokens` rows), never the other way round. Login,
   * signup (whose INSERT holds the new row), refresh and reuse detection, logout of every scope, the
   * revocation of one session and password change all do. Two such transactions of one user
   * therefore run one after the other: they cannot deadlock on each other, and a revocation sees the
   * successor row a refresh committed before it (and ends it), or commits first and the refresh finds
   * its row revoked. So a revocation answered 200 wins over every refresh that commits after it.
   *
   * Reads after the lock that decide anything must be locking reads, or they may see the snapshot
   * taken before the lock was granted. Returns null when the user is gone.
   */
  lock(id: number): Promise<LockedUser | null>;
  setPasswordHash(id: number, passwordHash: string): Promise<void>;
  setTokenVersion(id: number, tokenVersion: number): Promise<void>;
}

/** The users repository, inside `transaction` when one is given. */
export function createUsersRepository(transaction?: Transaction): UsersRepository {
  return {
    findById: (id) => User.findByPk(id, { attributes: FIELDS, raw: true, transaction }),

    findByEmail: (email) => User.findOne({ where: { email }, attributes: FIELDS, raw: true, transaction }),

    async create(fields) {
      try {
        const user = await User.create(fields, { transaction });
        return user.get({ plain: true });
      } catch (error) {
        // Insert-and-catch, never check-then-insert: of concurrent signups of one email one inserts.
        if (error instanceof UniqueConstraintError) return null;
        throw error;
      }
    },

    lock: (id) =>
      User.findByPk(id, {
        attributes: ['id', 'passwordHash', 'tokenVersion'],
        raw: true,
        transaction,
        lock: Transaction.LOCK.UPDATE,
      }),

    async setPasswordHash(id, passwordHash) {
      await User.update({ passwordHash }, { where: { id }, transaction });
    },

    async setTokenVersion(id, tokenVersion) {
      await User.update({ tokenVersion }, { where: { id }, transaction });
    },
  };
}
