import { Op, Transaction, UniqueConstraintError, type Order, type WhereOptions } from 'sequelize';
import { User, type Role } from '../models';
import { sameEmail } from './exact-match';

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

/** What an Auth.js app may set on a user (see /adapter). */
export type UserProfile = Pick<UserRecord, 'email' | 'name' | 'emailVerified' | 'image'>;

/** What a transaction may rely on once it holds the user row's lock. */
export type LockedUser = Pick<
  UserRecord,
  'id' | 'email' | 'name' | 'passwordHash' | 'tokenVersion' | 'role' | 'disabledAt'
>;

/** The orders the admin list offers: a column, descending with a leading `-`. */
export const USER_SORTS = ['created_at', '-created_at', 'email', '-email', 'id', '-id'] as const;
export type UserSort = (typeof USER_SORTS)[number];

/** What the admin list asks for; `emailOrNamePrefix` is matched as a prefix, never as a pattern. */
export interface UserSearch {
  emailOrNamePrefix?: string;
  role?: Role;
  disabled?: boolean;
  sort: UserSort;
  offset: number;
  limit: number;
}

/** The fields an admin or moderator may change (a revocation goes through SessionService.endAllAccess). */
export type UserChanges = Partial<Pick<UserRecord, 'name' | 'email' | 'emailVerified' | 'role' | 'disabledAt'>>;

const SORT_COLUMNS: Record<string, 'createdAt' | 'email' | 'id'> = {
  created_at: 'createdAt',
  email: 'email',
  id: 'id',
};

/** LIKE's own wildcards (and its escape character) taken literally. */
const likePrefix = (text: string): string => `${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;

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
/** What checking an access token reads of its user: never the password hash. */
const AUTH_FIELDS = [
  'id',
  'email',
  'name',
  'role',
  'emailVerified',
  'createdAt',
  'tokenVersion',
  'disabledAt',
] as const satisfies readonly (keyof UserRecord)[];
export type AuthFields = Pick<UserRecord, (typeof AUTH_FIELDS)[number]>;

/** The one place that reads and writes the `users` table. */
export interface UsersRepository {
  findById(id: number): Promise<UserRecord | null>;
  /** What a revocation check reads on a cache miss: no hash travels on the hot path. */
  findAuthFields(id: number): Promise<AuthFields | null>;
  /** `email` must already be normalised. */
  findByEmail(email: string): Promise<UserRecord | null>;
  /** Inserts a user; null when the email is taken (the unique index decided, see signup). */
  create(
    fields: Pick<UserRecord, 'email' | 'passwordHash' | 'name'> & Partial<Pick<UserRecord, 'emailVerified' | 'image'>>,
  ): Promise<UserRecord | null>;
  /**
   * Changes the profile fields given; 'missing' when there is no such user, 'taken' when the new
   * email belongs to another user (the unique index decided).
   */
  updateProfile(id: number, fields: Partial<UserProfile>): Promise<'updated' | 'missing' | 'taken'>;
  /** Deletes the user; the database deletes its sessions, blocked tokens and accounts with it. */
  delete(id: number): Promise<void>;
  /**
   * THE LOCK ORDER. Every transaction that changes a user's sessions, or reads them to decide a
   * change, takes its locks in one order: first the user row (this function: SELECT … FOR UPDATE),
   * then that user's `sessions` rows (and `blocked_tokens` rows), never the other way round. An
   * admin change that may remove an admin (demote, disable, delete) takes one lock before all of
   * these: every enabled admin's row, in ascending id order, in one statement (lockEnabledAdmins);
   * then the target's row, then its sessions. No transaction waits for the admin rows while holding
   * a user row, so this cannot deadlock with login, refresh or logout of the target. Login,
   * signup (whose INSERT holds the new row), refresh and reuse detection (SessionsRepository.lockWithOwner:
   * the user found by the token's row, then that row), logout of every scope, the revocation of
   * one session and password change all do. Two such transactions of one user
   * therefore run one after the other: they cannot deadlock on each other, and a revocation sees the
   * successor row a refresh committed before it (and ends it), or commits first and the refresh finds
   * its row revoked. So a revocation answered 200 wins over every refresh that commits after it.
   *
   * Reads after the lock that decide anything must be locking reads, or they may see the snapshot
   * taken before the lock was granted. Returns null when the user is gone.
   */
  lock(id: number): Promise<LockedUser | null>;
  /**
   * Locks every enabled admin's row, in ascending id order (one statement over the
   * users_role_disabled index), and returns their ids. A transaction that may remove an admin (demote,
   * disable, delete) takes this lock FIRST, before the target user's row (see `lock`): the gap lock
   * also holds back a concurrent promotion, so two such transactions run one after the other and the
   * second counts what the first committed. That is what makes LAST_ADMIN race-safe.
   */
  lockEnabledAdmins(): Promise<number[]>;
  setPasswordHash(id: number, passwordHash: string): Promise<void>;
  setTokenVersion(id: number, tokenVersion: number): Promise<void>;
  /** Sets emailVerified to `at` unless it is set already (the first proof is kept). */
  markEmailVerified(id: number, at: Date): Promise<void>;
  /** Applies `changes`; false when the new email is taken (the unique index decided). */
  update(id: number, changes: UserChanges): Promise<boolean>;
  /** Deletes the user; sessions, blocked tokens and provider links go with it (ON DELETE CASCADE). */
  destroy(id: number): Promise<void>;
  /**
   * One page of users and the count of all that match. A prefix of the email is a range scan of the
   * unique email index, a prefix of the name one of users_name (index merge of the two for `q`).
   */
  search(search: UserSearch): Promise<{ users: UserRecord[]; total: number }>;
}

/** The users repository, inside `transaction` when one is given. */
export function createUsersRepository(transaction?: Transaction): UsersRepository {
  return {
    findById: (id) => User.findByPk(id, { attributes: FIELDS, raw: true, transaction }),

    findAuthFields: (id) => User.findByPk(id, { attributes: [...AUTH_FIELDS], raw: true, transaction }),

    async findByEmail(email) {
      const user = await User.findOne({ where: { email }, attributes: FIELDS, raw: true, transaction });
      return user !== null && sameEmail(user.email, email) ? user : null;
    },

    async create(fields) {
      try {
        const user = (await User.create(fields, { transaction })).get({ plain: true });
        // Columns the insert left to their defaults are absent from the instance: they are null.
        return {
          ...user,
          emailVerified: user.emailVerified ?? null,
          image: user.image ?? null,
          disabledAt: user.disabledAt ?? null,
        };
      } catch (error) {
        // Insert-and-catch, never check-then-insert: of concurrent signups of one email one inserts.
        if (error instanceof UniqueConstraintError) return null;
        throw error;
      }
    },

    async updateProfile(id, fields) {
      try {
        const [changed] = await User.update(fields, { where: { id }, transaction });
        // MySQL counts changed rows only: setting the same values still found the user.
        if (changed > 0) return 'updated';
        const found = await User.findByPk(id, { attributes: ['id'], raw: true, transaction });
        return found === null ? 'missing' : 'updated';
      } catch (error) {
        if (error instanceof UniqueConstraintError) return 'taken';
        throw error;
      }
    },

    async delete(id) {
      await User.destroy({ where: { id }, transaction });
    },

    lock: (id) =>
      User.findByPk(id, {
        attributes: ['id', 'email', 'name', 'passwordHash', 'tokenVersion', 'role', 'disabledAt'],
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

    async markEmailVerified(id, at) {
      await User.update({ emailVerified: at }, { where: { id, emailVerified: null }, transaction });
    },

    async lockEnabledAdmins() {
      const admins = await User.findAll({
        where: { role: 'admin', disabledAt: null },
        attributes: ['id'],
        order: [['id', 'ASC']],
        raw: true,
        transaction,
        lock: Transaction.LOCK.UPDATE,
      });
      return admins.map((admin) => admin.id);
    },

    async update(id, changes) {
      try {
        await User.update(changes, { where: { id }, transaction });
        return true;
      } catch (error) {
        // Update-and-catch: of two users given one email at once, the unique index keeps one.
        if (error instanceof UniqueConstraintError) return false;
        throw error;
      }
    },

    async destroy(id) {
      await User.destroy({ where: { id }, transaction });
    },

    async search({ emailOrNamePrefix, role, disabled, sort, offset, limit }) {
      const where: WhereOptions<User>[] = [];
      if (emailOrNamePrefix !== undefined) {
        const pattern = likePrefix(emailOrNamePrefix);
        where.push({ [Op.or]: [{ email: { [Op.like]: pattern } }, { name: { [Op.like]: pattern } }] });
      }
      if (role !== undefined) where.push({ role });
      if (disabled !== undefined) where.push({ disabledAt: disabled ? { [Op.ne]: null } : null });
      const direction = sort.startsWith('-') ? 'DESC' : 'ASC';
      const column = SORT_COLUMNS[sort.replace(/^-/, '')] ?? 'id';
      // The id breaks ties, so that pages never repeat or skip a user.
      const order: Order =
        column === 'id'
          ? [['id', direction]]
          : [
              [column, direction],
              ['id', direction],
            ];
      const filter = { [Op.and]: where };
      const [users, total] = await Promise.all([
        User.findAll({ where: filter, attributes: FIELDS, order, offset, limit, raw: true, transaction }),
        User.count({ where: filter, transaction }),
      ]);
      return { users, total };
    },
  };
}
