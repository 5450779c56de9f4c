import { setTimeout as sleep } from 'node:timers/promises';
import { QueryTypes, type Transaction } from 'sequelize';
import type { Response, Test } from 'supertest';
import { boundSequelize } from '../../src/models';
import { testConfig } from './config';

/** How long to wait for requests to reach their lock wait: a bound on hanging, not a timing assertion. */
const WAIT_LIMIT_MS = 15_000;

/** How many transactions wait for a lock on a `users` row of the test database right now. */
async function waitersOnUsers(): Promise<number> {
  const table = `\`${testConfig().database.database}\`.\`users\``;
  const [status] = await boundSequelize().query<{ Status: string }>('SHOW ENGINE INNODB STATUS', {
    type: QueryTypes.SELECT,
  });
  // InnoDB's status report is the one place that lists these waits reliably (MariaDB's
  // information_schema lock tables did not). Only the live transactions count: the latest
  // deadlock, reported above them, has waiting lines too.
  const [, transactions = ''] = (status?.Status ?? '').split('LIST OF TRANSACTIONS FOR EACH SESSION:');
  return transactions.split('\n').filter((line) => line.includes(`of table ${table}`) && line.endsWith(' waiting'))
    .length;
}

/**
 * A user row held with SELECT … FOR UPDATE by a transaction of the test's own, the way a request
 * in the middle of changing that user's sessions holds it. Requests sent meanwhile queue up for
 * the row in the order they reach it, and run in that order once `release` commits.
 */
export interface UserRowLock {
  /** Resolves once `count` transactions wait for a `users` row (this test's only held one). */
  untilWaiting(count: number): Promise<void>;
  /** True when this holder can lock every session row of the user at once: nobody else holds one. */
  sessionRowsAreFree(): Promise<boolean>;
  release(): Promise<void>;
}

export async function holdUserRow(userId: number): Promise<UserRowLock> {
  const holder: Transaction = await boundSequelize().transaction();
  await boundSequelize().query('SELECT id FROM users WHERE id = ? FOR UPDATE', {
    replacements: [userId],
    transaction: holder,
  });
  return {
    async untilWaiting(count) {
      const deadline = Date.now() + WAIT_LIMIT_MS;
      while ((await waitersOnUsers()) < count) {
        if (Date.now() > deadline) throw new Error(`${count} requests did not queue for the user row in time`);
        await sleep(10);
      }
    },
    async sessionRowsAreFree() {
      try {
        // MariaDB answers NOWAIT on a held lock at once with ER_LOCK_WAIT_TIMEOUT.
        await boundSequelize().query('SELECT id FROM sessions WHERE user_id = ? FOR UPDATE NOWAIT', {
          replacements: [userId],
          transaction: holder,
        });
        return true;
      } catch {
        return false;
      }
    },
    release: () => holder.commit(),
  };
}

/**
 * Holds the user row, sends `first` and waits until it queues for the row, then sends `second`
 * and waits until it queues behind; then lets both run, in that order, and returns their answers.
 */
export async function queuedInOrder(
  userId: number,
  first: () => Test,
  second: () => Test,
): Promise<[Response, Response]> {
  const held = await holdUserRow(userId);
  // Real promises, so each request is sent now, while the user row is held.
  let sentFirst: Promise<Response>;
  let sentSecond: Promise<Response>;
  try {
    sentFirst = Promise.resolve(first());
    await held.untilWaiting(1);
    sentSecond = Promise.resolve(second());
    await held.untilWaiting(2);
  } finally {
    await held.release();
  }
  return Promise.all([sentFirst, sentSecond]);
}
