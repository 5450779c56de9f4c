import { Op, type Transaction } from 'sequelize';
import { AuthjsSession } from '../models';
import { insertOutcome, type InsertOutcome } from './insert-outcome';

/** A database session of an Auth.js app; only the SHA-256 of its token is stored. */
export interface AuthjsSessionRow {
  sessionTokenHash: string;
  userId: number;
  expires: Date;
}

/** The one place that reads and writes the `authjs_sessions` table. */
export interface AuthjsSessionsRepository {
  find(sessionTokenHash: string): Promise<AuthjsSessionRow | null>;
  /** Inserts the session: 'taken' when its token is in use, 'missing' when its user is gone. */
  insert(row: AuthjsSessionRow): Promise<InsertOutcome>;
  /** Sets the expiry (and the owner, when given): 'missing' when the new owner is gone; null when there is no such session. */
  update(
    sessionTokenHash: string,
    fields: Partial<Pick<AuthjsSessionRow, 'userId' | 'expires'>>,
  ): Promise<AuthjsSessionRow | 'missing' | null>;
  /** Deletes the session; returns it, or null when there was none. */
  delete(sessionTokenHash: string): Promise<AuthjsSessionRow | null>;
  /** Deletes every session of the user; returns how many. */
  deleteByUser(userId: number): Promise<number>;
  /** Deletes up to `limit` sessions past their expiry; returns how many. */
  deleteExpired(now: Date, limit: number): Promise<number>;
}

const FIELDS: (keyof AuthjsSessionRow)[] = ['sessionTokenHash', 'userId', 'expires'];

/** The Auth.js sessions repository, inside `transaction` when one is given. */
export function createAuthjsSessionsRepository(transaction?: Transaction): AuthjsSessionsRepository {
  const find = (sessionTokenHash: string) =>
    AuthjsSession.findByPk(sessionTokenHash, { attributes: FIELDS, raw: true, transaction });
  return {
    find,

    insert: (row) => insertOutcome(() => AuthjsSession.create(row, { transaction })),

    async update(sessionTokenHash, fields) {
      const outcome = await insertOutcome(() =>
        AuthjsSession.update(fields, { where: { sessionTokenHash }, transaction }),
      );
      return outcome === 'missing' ? 'missing' : find(sessionTokenHash);
    },

    async delete(sessionTokenHash) {
      const row = await find(sessionTokenHash);
      if (row === null) return null;
      await AuthjsSession.destroy({ where: { sessionTokenHash }, transaction });
      return row;
    },

    deleteByUser: (userId) => AuthjsSession.destroy({ where: { userId }, transaction }),

    deleteExpired: (now, limit) => AuthjsSession.destroy({ where: { expires: { [Op.lte]: now } }, limit, transaction }),
  };
}
