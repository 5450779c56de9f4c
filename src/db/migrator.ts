import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Sequelize, type QueryInterface } from 'sequelize';
import { memoryStorage, SequelizeStorage, Umzug } from 'umzug';

/** The shape sequelize-cli expects of a migration or seeder file. */
interface MigrationModule {
  up(queryInterface: QueryInterface, sequelize: typeof Sequelize): Promise<unknown>;
  down(queryInterface: QueryInterface, sequelize: typeof Sequelize): Promise<unknown>;
}

/** The folder holding package.json: `src/db` under tsx, `dist/src/db` once built. */
export function projectRoot(start: string): string {
  let directory = start;
  while (!existsSync(path.join(directory, 'package.json'))) {
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error(`no package.json above ${start}`);
    directory = parent;
  }
  return directory;
}

const ROOT = projectRoot(__dirname);
// Migration files are CommonJS, as sequelize-cli requires; load them the way it does.
const loadCommonJs = createRequire(__filename);

/**
 * An Umzug over `migrations/` or `seeders/` that reads the same files and, for migrations, the same
 * `SequelizeMeta` table as `npx sequelize-cli db:migrate`, so either tool sees what the other did.
 * Seeders, like sequelize-cli's default, are not recorded and are written to be re-runnable.
 */
export function createMigrator(sequelize: Sequelize, folder: 'migrations' | 'seeders'): Umzug<QueryInterface> {
  return new Umzug<QueryInterface>({
    migrations: {
      glob: ['*.js', { cwd: path.join(ROOT, folder) }],
      resolve: ({ name, path: filePath, context }) => {
        const migration = loadCommonJs(filePath ?? name) as MigrationModule;
        return {
          name,
          up: () => migration.up(context, Sequelize),
          down: () => migration.down(context, Sequelize),
        };
      },
    },
    context: sequelize.getQueryInterface(),
    storage: folder === 'migrations' ? new SequelizeStorage({ sequelize }) : memoryStorage(),
    logger: undefined,
  });
}
