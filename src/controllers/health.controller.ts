import type { RedisConnections } from '../db/redis';
import type { AppContext } from '../middleware/context';
import { checkReadiness } from '../services/health.service';

/** Probes for orchestrators: live = the process answers; ready = it can serve requests. */
export function createHealthController(redis: RedisConnections | null) {
  return {
    live: (ctx: AppContext): void => {
      ctx.body = { status: 'live' };
    },

    ready: async (ctx: AppContext): Promise<void> => {
      ctx.body = await checkReadiness(redis);
    },
  };
}
