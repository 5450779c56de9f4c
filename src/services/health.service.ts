import type { Sequelize } from 'sequelize';
import { createMigrator } from '../db/migrator';
import type { RedisConnections } from '../db/redis';
import { AppError } from '../errors/app-error';

/** What GET /health/ready answers: `redis` only when Redis is configured. */
export interface Readiness {
  status: 'ready';
  redis?: 'up' | 'degraded';
}

export function createHealthService(sequelize: Sequelize, redis: RedisConnections | null) {
  return {
    /**
     * Ready means this process can serve: MySQL answers and its schema has every migration this
     * build knows. Throws SERVICE_UNAVAILABLE naming what is missing; a probe polls this every few
     * seconds. Redis down is `degraded`, still ready: limits fall back to memory, revocations to
     * the cache TTL.
     */
    async checkReadiness(): Promise<Readiness> {
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
      if (redis === null) return { status: 'ready' };
      return { status: 'ready', redis: redis.isUp() ? 'up' : 'degraded' };
    },
  };
}

export type HealthService = ReturnType<typeof createHealthService>;
