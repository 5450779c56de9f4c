import { expect } from 'chai';
import { Sequelize } from 'sequelize';
import { QUERY_TIMEOUT_CODE } from '../../../src/db/query-watchdog';
import { watchedPool } from '../../../src/db/watched-pool';
import { testConfig } from '../../support/config';

const TIMEOUT_MS = 300;

type Pool = ReturnType<typeof watchedPool>;
type Connection = NonNullable<Parameters<Parameters<Pool['getConnection']>[0]>[1]>;

function connectionOf(pool: Pool): Promise<Connection> {
  return new Promise((resolve, reject) => {
    pool.getConnection((error, connection) => {
      if (connection === undefined) reject(error ?? new Error('no connection'));
      else resolve(connection);
    });
  });
}

function run(connection: Connection, sql: string): Promise<{ error: Error | null; rows: unknown }> {
  return new Promise((resolve) => {
    connection.query(sql, [], (error: Error | null, rows: unknown) => {
      resolve({ error, rows });
    });
  });
}

describe('watchedPool (against the real test database)', () => {
  let sequelize: Sequelize;
  let pool: Pool;

  beforeEach(() => {
    sequelize = new Sequelize(testConfig().databaseUrl, { dialect: 'mysql', logging: false, pool: { max: 1 } });
    pool = watchedPool(sequelize, TIMEOUT_MS);
  });

  afterEach(async () => {
    await sequelize.close();
  });

  it('cuts a raw query still running after the timeout, with the watchdog code, and survives a rollback', async () => {
    const connection = await connectionOf(pool);
    const started = Date.now();
    const { error } = await run(connection, 'SELECT SLEEP(2)');
    expect(Date.now() - started)
      .to.be.at.least(TIMEOUT_MS)
      .and.below(TIMEOUT_MS + 1000);
    expect(error).to.have.property('code', QUERY_TIMEOUT_CODE);
    connection.rollback();
    connection.release();
    const next = await connectionOf(pool);
    expect((await run(next, 'SELECT 1 AS one')).rows).to.deep.equal([{ one: 1 }]);
    next.release();
  });

  it('answers a query that finishes in time', async () => {
    const connection = await connectionOf(pool);
    const { error, rows } = await run(connection, 'SELECT 2 AS two');
    expect(error).to.equal(null);
    expect(rows).to.deep.equal([{ two: 2 }]);
    connection.release();
  });
});
