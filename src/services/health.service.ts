import type { Sequelize } from 'sequelize';
import { createMigrator } from '../db/migrator';
import { AppError } from '../errors/app-error';

export function createHealthService(sequelize: Sequelize) {
  return {
    /**
     * Ready means this process can serve: MySQL answers and its schema has every migration this
     * build knows. Throws SERVICE_UNAVAILABLE naming what is missing; a probe polls this every few
     * seconds.
     */
    async checkReadiness(): Promise<void> {
      let pending: number;
      try {
        pending = (await createMigrator(sequelize, 'migrations').pending()).length;
      } catch (error) {
        throw new AppError('SERVICE_UNAVAILABLE', {
          cause: error,
          details: [{ field: 'database', message: 'MySQL does not answer' }],
        });
      }
      if (pending > 0) {
        throw new AppError('SERVICE_UNAVAILABLE', {
          details: [{ field: 'migrations', message: `${pending} migration(s) pending` }],
        });
      }
    },
  };
}

export type HealthService = ReturnType<typeof createHealthService>;
