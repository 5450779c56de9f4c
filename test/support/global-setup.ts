import { createDatabaseIfMissing } from '../../src/db/database';
import { createMigrator } from '../../src/db/migrator';
import { testConfig } from './config';
import { closeTestSequelize, testSequelize } from './database';

/** Once per run: make sure the test database exists and holds exactly the current schema. */
export async function mochaGlobalSetup(): Promise<void> {
  await createDatabaseIfMissing(testConfig());
  const migrator = createMigrator(testSequelize(), 'migrations');
  // Down then up: a migration edited since the last run is applied afresh, and `down` is exercised.
  await migrator.down({ to: 0 });
  await migrator.up();
}

export async function mochaGlobalTeardown(): Promise<void> {
  await closeTestSequelize();
}
