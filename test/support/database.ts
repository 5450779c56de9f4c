import type { Sequelize } from 'sequelize';
import { createSequelize } from '../../src/db/sequelize';
import { initModels } from '../../src/models';
import { testConfig } from './config';

let shared: Sequelize | null = null;

/** The one Sequelize instance the models are bound to during the test run. */
export function testSequelize(): Sequelize {
  shared ??= createSequelize(testConfig());
  return shared;
}

export async function closeTestSequelize(): Promise<void> {
  await shared?.close();
  shared = null;
}

/**
 * Runs `work` while the models talk to a port where no MySQL listens (a real refused connection,
 * as when MySQL is down), then binds them back to the test database.
 */
export async function withDatabaseDown<T>(work: (unreachable: Sequelize) => Promise<T>): Promise<T> {
  const { database: location, databasePool } = testConfig();
  const databaseUrl = `mysql://${location.user}@127.0.0.1:1/${location.database}`;
  const unreachable = createSequelize({ databaseUrl, databasePool, databaseTls: null });
  try {
    return await work(unreachable);
  } finally {
    initModels(testSequelize());
    await unreachable.close();
  }
}
