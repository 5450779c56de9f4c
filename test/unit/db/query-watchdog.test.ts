import { expect } from 'chai';
import { QueryTypes, Sequelize } from 'sequelize';
import { setTimeout as sleep } from 'node:timers/promises';
import { QUERY_TIMEOUT_CODE, watchedConnections, watchQueries } from '../../../src/db/query-watchdog';
import { toAppError } from '../../../src/errors/to-app-error';
import { testConfig } from '../../support/config';

const TIMEOUT_MS = 300;

describe('watchQueries (against the real test database)', () => {
  let sequelize: Sequelize;

  beforeEach(() => {
    // One connection, so "the same connection" and "a fresh connection" are observable.
    sequelize = new Sequelize(testConfig().databaseUrl, { dialect: 'mysql', logging: false, pool: { max: 1 } });
    watchQueries(sequelize, TIMEOUT_MS);
  });

  afterEach(async () => {
    await sequelize.close();
  });

  async function connectionId(): Promise<number> {
    const [row] = await sequelize.query<{ id: number }>('SELECT CONNECTION_ID() AS id', { type: QueryTypes.SELECT });
    return Number(row?.id);
  }

  it('fails a query still running after the timeout, as a fatal error that maps to 503', async () => {
    const started = Date.now();
    const error = await sequelize.query('SELECT SLEEP(2)').then(
      () => null,
      (rejection: unknown) => rejection,
    );
    const elapsedMs = Date.now() - started;
    expect(elapsedMs)
      .to.be.at.least(TIMEOUT_MS)
      .and.below(TIMEOUT_MS + 1000);
    expect(error).to.have.nested.property('parent.code', QUERY_TIMEOUT_CODE);
    expect(error).to.have.nested.property('parent.fatal', true);
    expect(toAppError(error).code).to.equal('SERVICE_UNAVAILABLE');
  });

  it('discards the cut connection: the next query runs on a fresh one', async () => {
    const before = await connectionId();
    await sequelize.query('SELECT SLEEP(2)').catch(() => undefined);
    const after = await connectionId();
    expect(after).to.be.a('number').and.not.equal(before);
  });

  it('leaves a query that finishes in time, and its connection, alone', async () => {
    const before = await connectionId();
    await sleep(TIMEOUT_MS * 2);
    expect(await connectionId()).to.equal(before);
  });
});

describe('watchedConnections (raw connections, as the rate limiter uses them)', () => {
  let sequelize: Sequelize;

  beforeEach(() => {
    sequelize = new Sequelize(testConfig().databaseUrl, { dialect: 'mysql', logging: false, pool: { max: 1 } });
  });

  afterEach(async () => {
    await sequelize.close();
  });

  /** Runs `sql` on a raw connection with mysql2's callback API, as rate-limiter-flexible does. */
  function rawQuery(connection: object, sql: string): Promise<unknown> {
    const { query } = connection as { query: (sql: string, done: (error: unknown) => void) => void };
    return new Promise((resolve) => {
      query.call(connection, sql, (error) => {
        resolve(error);
      });
    });
  }

  it('cuts a connection held past the timeout, then refuses at once for one timeout, then connects again', async () => {
    const source = watchedConnections(sequelize, TIMEOUT_MS);
    const connection = await source.connectionManager.getConnection();
    const started = Date.now();
    const error = await rawQuery(connection, 'SELECT SLEEP(2)');
    source.connectionManager.releaseConnection(connection);
    expect(Date.now() - started).to.be.below(TIMEOUT_MS + 1000);
    expect(error).to.have.property('code', QUERY_TIMEOUT_CODE);
    const refusedAt = Date.now();
    const refusal = await source.connectionManager.getConnection().then(
      () => null,
      (rejection: unknown) => rejection,
    );
    expect(refusal).to.be.an('error').with.property('message').that.includes('not waiting');
    expect(Date.now() - refusedAt).to.be.below(50);
    await sleep(TIMEOUT_MS);
    const recovered = await source.connectionManager.getConnection();
    expect(await rawQuery(recovered, 'SELECT 1')).to.equal(null);
    source.connectionManager.releaseConnection(recovered);
  });

  it('leaves a connection released in time alone', async () => {
    const source = watchedConnections(sequelize, TIMEOUT_MS);
    const connection = await source.connectionManager.getConnection();
    expect(await rawQuery(connection, 'SELECT 1')).to.equal(null);
    source.connectionManager.releaseConnection(connection);
    await sleep(TIMEOUT_MS * 2);
    const again = await source.connectionManager.getConnection();
    expect(again).to.equal(connection);
    source.connectionManager.releaseConnection(again);
  });
});
