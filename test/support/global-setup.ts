import { createDatabaseIfMissing, dropDatabase } from '../../src/db/database';
import { createMigrator } from '../../src/db/migrator';
import { testConfig } from './config';
import { closeTestSequelize, testSequelize } from './database';

/** Once per run: the test database, made from nothing, holding exactly the current schema. */
export async function mochaGlobalSetup(): Promise<void> {
  // From nothing every run: a table left by another checkout's migrations (one referencing users,
  // say) would otherwise make undoing ours fail, and a migration edited since is applied afresh.
  await dropDatabase(testConfig());
  await createDatabaseIfMissing(testConfig());
  const migrator = createMigrator(testSequelize(), 'migrations');
  await migrator.up();
  // Down to nothing and up again: every migration's `down` is exercised on the full schema.
  await migrator.down({ to: 0 });
  await migrator.up();
}

export async function mochaGlobalTeardown(): Promise<void> {
  await closeTestSequelize();
}
