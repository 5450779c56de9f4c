import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { DatabaseError, QueryTypes } from 'sequelize';
import { isLockConflict } from '../../../src/db/lock-conflict';
import { QUERY_TIMEOUT_CODE } from '../../../src/db/query-watchdog';
import { AppSequelize } from '../../../src/db/sequelize';
import type { StatementBatches } from '../../../src/db/statement-batches';
import { AppError } from '../../../src/errors/app-error';
import { toAppError } from '../../../src/errors/to-app-error';
import { testConfig } from '../../support/config';

const TIMEOUT_MS = 300;
// A table of its own, dropped after, so no other suite's rows or locks are involved.
const TABLE = 'statement_batches_test';

type PoolSettings = ReturnType<typeof testConfig>['databasePool'];

/**
 * The batches of a Sequelize instance of `databaseUrl` (by default the test database), with one
 * connection and short bounds unless `pool` says otherwise. It connects only on first use.
 */
function batchesFor(pool: Partial<PoolSettings> = {}, databaseUrl = testConfig().databaseUrl): StatementBatches {
  const databasePool = {
    ...testConfig().databasePool,
    maxConnections: 1,
    acquireTimeoutMs: TIMEOUT_MS,
    queryTimeoutMs: TIMEOUT_MS,
    ...pool,
  };
  return new AppSequelize({ databaseUrl, databasePool, databaseTls: null }).batches;
}

const rejectionOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );

describe('StatementBatches (against the real test database)', () => {
  let batches: StatementBatches;
  /** A second pool, for what another request would see or hold meanwhile. */
  let other: StatementBatches;

  /** Runs one statement outside the tests' pools. */
  async function runOnce(sql: string): Promise<void> {
    const setup = batchesFor();
    await setup.transaction({ sql: 'DO 0', values: [] }, () => ({ value: null, commitWith: { sql, values: [] } }));
    await setup.close();
  }

  before(() => runOnce(`CREATE TABLE IF NOT EXISTS ${TABLE} (id VARCHAR(36) PRIMARY KEY, n INT NOT NULL)`));
  after(() => runOnce(`DROP TABLE IF EXISTS ${TABLE}`));

  beforeEach(() => {
    batches = batchesFor();
    other = batchesFor({ queryTimeoutMs: 5_000 });
  });

  afterEach(async () => {
    await Promise.all([batches.close(), other.close()]);
  });

  /** The row's `n` as a fresh transaction reads it (null: no row), locking nothing. */
  const valueOf = (id: string): Promise<number | null> =>
    other.transaction({ sql: `SELECT n FROM ${TABLE} WHERE id = ?`, values: [id] }, (rows) => ({
      value: rows.length === 0 ? null : (rows[0] as { n: number }).n,
      commitWith: null,
    }));

  /** Inserts a row with `n`, committed. */
  const insert = (id: string, n: number): Promise<null> =>
    other.transaction({ sql: 'SELECT 1', values: [] }, () => ({
      value: null,
      commitWith: { sql: `INSERT INTO ${TABLE} (id, n) VALUES (?, ?)`, values: [id, n] },
    }));

  /** True when another transaction can lock the row at once: nobody holds its lock. */
  const lockIsFree = (id: string): Promise<boolean> =>
    other
      .transaction({ sql: `SELECT n FROM ${TABLE} WHERE id = ? FOR UPDATE NOWAIT`, values: [id] }, () => ({
        value: true,
        commitWith: null,
      }))
      .catch((error: unknown) => {
        if (isLockConflict(error)) return false;
        throw error;
      });

  it('hands the work the rows of the first batch and commits with its last batch', async () => {
    const id = randomUUID();
    await insert(id, 1);
    const seen = await batches.transaction(
      { sql: `SELECT n FROM ${TABLE} WHERE id = ? FOR UPDATE`, values: [id] },
      (rows) => ({
        value: rows,
        commitWith: { sql: `UPDATE ${TABLE} SET n = n + 1 WHERE id = ?`, values: [id] },
      }),
    );
    expect(seen).to.deep.equal([{ n: 1 }]);
    expect(await valueOf(id)).to.equal(2);
    expect(await lockIsFree(id)).to.equal(true);
  });

  it('sends START TRANSACTION with the first batch, then the last batch, then COMMIT on its own', async () => {
    const sent: string[] = [];
    const stop = batches.observe((sql) => sent.push(sql));
    const id = randomUUID();
    await batches.transaction({ sql: 'SELECT 1', values: [] }, () => ({
      value: null,
      commitWith: { sql: `INSERT INTO ${TABLE} (id, n) VALUES (?, 1)`, values: [id] },
    }));
    stop();
    await batches.transaction({ sql: 'SELECT 2', values: [] }, () => ({ value: null, commitWith: null }));
    expect(sent).to.deep.equal(['START TRANSACTION; SELECT 1', `INSERT INTO ${TABLE} (id, n) VALUES (?, 1)`, 'COMMIT']);
  });

  it('rolls back and frees the locks when the work commits nothing', async () => {
    const id = randomUUID();
    await insert(id, 1);
    await batches.transaction(
      {
        sql: `UPDATE ${TABLE} SET n = 5 WHERE id = ?; SELECT n FROM ${TABLE} WHERE id = ? FOR UPDATE`,
        values: [id, id],
      },
      () => ({ value: null, commitWith: null }),
    );
    expect(await valueOf(id)).to.equal(1);
    expect(await lockIsFree(id)).to.equal(true);
  });

  it('rolls back when the work throws, and passes its error on as it is', async () => {
    const id = randomUUID();
    await insert(id, 1);
    const verdict = new AppError('REFRESH_TOKEN_INVALID');
    const error = await rejectionOf(
      batches.transaction({ sql: `UPDATE ${TABLE} SET n = 7 WHERE id = ?`, values: [id] }, () => {
        throw verdict;
      }),
    );
    expect(error).to.equal(verdict);
    expect(await valueOf(id)).to.equal(1);
    expect(await lockIsFree(id)).to.equal(true);
  });

  it('rolls back what the first batch wrote when the last batch fails, as a DatabaseError', async () => {
    const id = randomUUID();
    await insert(id, 1);
    const error = await rejectionOf(
      batches.transaction({ sql: `UPDATE ${TABLE} SET n = 9 WHERE id = ?`, values: [id] }, () => ({
        value: null,
        // A duplicate key: the statement fails, so COMMIT after it never runs.
        commitWith: { sql: `INSERT INTO ${TABLE} (id, n) VALUES (?, 1)`, values: [id] },
      })),
    );
    expect(error).to.be.instanceOf(DatabaseError);
    expect(error).to.have.nested.property('parent.errno', 1062);
    expect(await valueOf(id)).to.equal(1);
    expect(await lockIsFree(id)).to.equal(true);
    // The connection was given back clean: the next transaction on it commits.
    await batches.transaction({ sql: `UPDATE ${TABLE} SET n = 3 WHERE id = ?`, values: [id] }, () => ({
      value: null,
      commitWith: { sql: 'DO 0', values: [] },
    }));
    expect(await valueOf(id)).to.equal(3);
  });

  it('autocommit: sends a batch in one round trip, each statement committed as it runs, and hands back every result', async () => {
    const id = randomUUID();
    const sent: string[] = [];
    const stop = batches.observe((sql) => sent.push(sql));
    const results = await batches.autocommit({
      sql: `INSERT INTO ${TABLE} (id, n) VALUES (?, 7); SELECT n FROM ${TABLE} WHERE id = ?`,
      values: [id, id],
    });
    stop();
    expect(sent).to.have.length(1);
    expect(results).to.have.length(2);
    expect(results[1]).to.deep.equal([{ n: 7 }]);
    expect(await valueOf(id)).to.equal(7);
    expect(await lockIsFree(id)).to.equal(true);
  });

  it('autocommit: keeps what the statements before a failing one wrote, and reports the failure as a DatabaseError', async () => {
    const id = randomUUID();
    const error = await rejectionOf(
      batches.autocommit({
        sql: `INSERT INTO ${TABLE} (id, n) VALUES (?, 1); INSERT INTO ${TABLE} (id, n) VALUES (?, 2)`,
        values: [id, id],
      }),
    );
    expect(error).to.be.instanceOf(DatabaseError);
    expect(await valueOf(id)).to.equal(1);
    // The connection went back to the pool (of one) in working order.
    expect(await batches.autocommit({ sql: 'SELECT 1 AS one; SELECT 2 AS two', values: [] })).to.deep.equal([
      [{ one: 1 }],
      [{ two: 2 }],
    ]);
  });

  it('reports a lock held elsewhere as a lock conflict, which maps to 503', async () => {
    const id = randomUUID();
    await insert(id, 1);
    const conflict = await other.transaction(
      { sql: `SELECT n FROM ${TABLE} WHERE id = ? FOR UPDATE`, values: [id] },
      async () => ({
        value: await rejectionOf(
          batches.transaction({ sql: `SELECT n FROM ${TABLE} WHERE id = ? FOR UPDATE NOWAIT`, values: [id] }, () => ({
            value: null,
            commitWith: null,
          })),
        ),
        commitWith: null,
      }),
    );
    expect(isLockConflict(conflict)).to.equal(true);
    expect(toAppError(conflict).code).to.equal('SERVICE_UNAVAILABLE');
  });

  it('cuts a query still running after DB_QUERY_TIMEOUT_MS, as a fatal error that maps to 503', async () => {
    const started = Date.now();
    const error = await rejectionOf(
      batches.transaction({ sql: 'SELECT SLEEP(2)', values: [] }, () => ({ value: null, commitWith: null })),
    );
    expect(Date.now() - started)
      .to.be.at.least(TIMEOUT_MS)
      .and.below(TIMEOUT_MS + 1000);
    expect(error).to.have.nested.property('parent.code', QUERY_TIMEOUT_CODE);
    expect(toAppError(error).code).to.equal('SERVICE_UNAVAILABLE');
    // The cut connection is discarded: the next transaction runs on a fresh one.
    expect(
      await batches.transaction({ sql: 'SELECT 1 AS one', values: [] }, (rows) => ({ value: rows, commitWith: null })),
    ).to.deep.equal([{ one: 1 }]);
  });

  it('waits at most DB_ACQUIRE_TIMEOUT_MS for a free connection, then fails as 503', async () => {
    let release = (): void => undefined;
    const held = batches.transaction({ sql: 'SELECT 1', values: [] }, async () => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return { value: null, commitWith: null };
    });
    const started = Date.now();
    const error = await rejectionOf(
      batches.transaction({ sql: 'SELECT 1', values: [] }, () => ({ value: null, commitWith: null })),
    );
    expect(Date.now() - started)
      .to.be.at.least(TIMEOUT_MS - 5)
      .and.below(TIMEOUT_MS + 1000);
    expect(toAppError(error).code).to.equal('SERVICE_UNAVAILABLE');
    release();
    await held;
  });

  it('fails at once as 503 when MySQL refuses the connection', async () => {
    const unreachable = batchesFor({}, 'mysql://root@127.0.0.1:1/nowhere');
    try {
      const error = await rejectionOf(
        unreachable.transaction({ sql: 'SELECT 1', values: [] }, () => ({ value: null, commitWith: null })),
      );
      expect(error).to.be.instanceOf(DatabaseError);
      expect(toAppError(error).code).to.equal('SERVICE_UNAVAILABLE');
    } finally {
      await unreachable.close();
    }
  });

  // Sequelize and mysql2 each read DATABASE_URL their own way; the batches take Sequelize's reading.
  it('logs in with the account Sequelize read from DATABASE_URL, percent-encoded characters and all', async () => {
    const account = `batches_${randomUUID().slice(0, 8)}`;
    const password = 'p@ss:w%rd/?#[]';
    const { database } = testConfig().database;
    await runOnce(`CREATE USER '${account}'@'%' IDENTIFIED BY '${password}'`);
    const url = `mysql://${account}:${encodeURIComponent(password)}@127.0.0.1:3306/${database}`;
    const sequelize = new AppSequelize({
      databaseUrl: url,
      databasePool: testConfig().databasePool,
      databaseTls: null,
    });
    try {
      await runOnce(`GRANT SELECT ON \`${database}\`.* TO '${account}'@'%'`);
      const [viaSequelize] = await sequelize.query<{ account: string }>('SELECT CURRENT_USER() AS account', {
        type: QueryTypes.SELECT,
      });
      const viaBatches = await sequelize.batches.transaction(
        { sql: 'SELECT CURRENT_USER() AS account', values: [] },
        (rows) => ({ value: rows[0], commitWith: null }),
      );
      expect(viaSequelize).to.deep.equal({ account: `${account}@%` });
      expect(viaBatches).to.deep.equal(viaSequelize);
    } finally {
      await sequelize.close();
      await runOnce(`DROP USER IF EXISTS '${account}'@'%'`);
    }
  });

  it('opens a new pool after close', async () => {
    await batches.close();
    const rows = await batches.transaction({ sql: 'SELECT 1 AS one', values: [] }, (found) => ({
      value: found,
      commitWith: null,
    }));
    expect(rows).to.deep.equal([{ one: 1 }]);
  });
});
