import { expect } from 'chai';
import type { Transaction } from 'sequelize';
import { isLockConflict } from '../../../src/db/lock-conflict';
import { toAppError } from '../../../src/errors/to-app-error';
import { inTransaction, LOCK_CONFLICT_ATTEMPTS } from '../../../src/db/transaction';
import { User } from '../../../src/models';
import { testSequelize } from '../../support/database';
import { createUser } from '../../support/factories';

/** Resolves once `parties` callers are waiting on it: two transactions then each hold their first lock. */
function barrier(parties: number): () => Promise<void> {
  let waiting = 0;
  let release: () => void = () => undefined;
  const allThere = new Promise<void>((resolve) => (release = resolve));
  return () => {
    waiting += 1;
    if (waiting === parties) release();
    return allThere;
  };
}

/** Locks one user row, as SELECT … FOR UPDATE. */
async function lockRow(userId: number, transaction: Transaction): Promise<void> {
  await User.findByPk(userId, { attributes: ['id'], transaction, lock: transaction.LOCK.UPDATE });
}

/** Locks `first`, waits until the other transaction holds its first lock, then locks `second`. */
async function lockCrosswise(
  first: number,
  second: number,
  bothHoldOne: () => Promise<void>,
  transaction: Transaction,
) {
  await lockRow(first, transaction);
  await bothHoldOne();
  await lockRow(second, transaction);
  await User.increment('tokenVersion', { where: { id: [first, second] }, transaction });
}

/** Two transactions that lock two users in opposite orders: a real deadlock; returns what each ended with. */
async function deadlock(run: (work: (transaction: Transaction) => Promise<void>) => Promise<void>) {
  const [{ user: one }, { user: two }] = await Promise.all([createUser(), createUser()]);
  const bothHoldOne = barrier(2);
  const attempts = [0, 0];
  /** Party `index` locks `first` then `second`; only its first attempt waits for the other party. */
  const party = (index: 0 | 1, first: number, second: number) => async (transaction: Transaction) => {
    attempts[index] = (attempts[index] ?? 0) + 1;
    const meet = attempts[index] === 1 ? bothHoldOne : () => Promise.resolve();
    await lockCrosswise(first, second, meet, transaction);
  };
  const outcomes = await Promise.allSettled([run(party(0, one.id, two.id)), run(party(1, two.id, one.id))]);
  const versions = await User.findAll({ where: { id: [one.id, two.id] }, attributes: ['tokenVersion'], raw: true });
  return { outcomes, attempts, versions: versions.map((row) => row.tokenVersion) };
}

describe('inTransaction (against the real test database)', () => {
  it('a real deadlock fails one of two transactions with a lock conflict that maps to 503 with Retry-After', async () => {
    const { outcomes } = await deadlock((work) => testSequelize().transaction(work));

    const rejected = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(rejected).to.have.length(1);
    const error: unknown = rejected[0]?.status === 'rejected' ? rejected[0].reason : null;
    expect(error).to.have.nested.property('parent.errno', 1213);
    expect(isLockConflict(error)).to.equal(true);
    const mapped = toAppError(error);
    expect(mapped.code).to.equal('SERVICE_UNAVAILABLE');
    expect(mapped.status).to.equal(503);
    expect(mapped.retryAfterSeconds).to.equal(1);
  });

  it('runs the deadlock victim again from the start, so both transactions commit', async () => {
    const { outcomes, attempts, versions } = await deadlock((work) => inTransaction(testSequelize(), work));

    expect(outcomes.map((outcome) => outcome.status)).to.deep.equal(['fulfilled', 'fulfilled']);
    expect([...attempts].sort()).to.deep.equal([1, 2]);
    // Each transaction bumped both users once: the victim's first, rolled-back bump left no trace.
    expect(versions).to.deep.equal([2, 2]);
  });

  it(`gives up after ${LOCK_CONFLICT_ATTEMPTS} attempts and lets the lock conflict through`, async () => {
    const { user } = await createUser();
    let releaseHolder: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (releaseHolder = resolve));
    let holding: () => void = () => undefined;
    const locked = new Promise<void>((resolve) => (holding = resolve));
    const holder = testSequelize().transaction(async (transaction) => {
      await lockRow(user.id, transaction);
      holding();
      await held;
    });
    await locked;
    let attempts = 0;
    try {
      const error = await inTransaction(testSequelize(), async (transaction) => {
        attempts += 1;
        // MariaDB answers NOWAIT on a held lock at once with ER_LOCK_WAIT_TIMEOUT (1205).
        await testSequelize().query('SELECT id FROM users WHERE id = ? FOR UPDATE NOWAIT', {
          replacements: [user.id],
          transaction,
        });
      }).then(
        () => null,
        (rejection: unknown) => rejection,
      );
      expect(attempts).to.equal(LOCK_CONFLICT_ATTEMPTS);
      expect(error).to.have.nested.property('parent.errno', 1205);
      expect(toAppError(error).code).to.equal('SERVICE_UNAVAILABLE');
    } finally {
      releaseHolder();
      await holder;
    }
  });

  it('does not run a transaction again for any other error', async () => {
    let attempts = 0;
    const error = await inTransaction(testSequelize(), async (transaction) => {
      attempts += 1;
      await testSequelize().query('SELECT no_such_column FROM users', { transaction });
    }).then(
      () => null,
      (rejection: unknown) => rejection,
    );
    expect(attempts).to.equal(1);
    expect(isLockConflict(error)).to.equal(false);
    expect(toAppError(error).code).to.equal('INTERNAL_ERROR');
  });
});
