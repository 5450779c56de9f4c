import type { AppContext } from '../middleware/context';
import type { HealthService } from '../services/health.service';

/** Probes for orchestrators: live = the process answers; ready = it can serve requests. */
export function createHealthController(health: HealthService) {
  return {
    live: (ctx: AppContext): void => {
      ctx.body = { status: 'live' };
    },

    ready: async (ctx: AppContext): Promise<void> => {
      ctx.body = await health.checkReadiness();
    },
  };
}

export type HealthController = ReturnType<typeof createHealthController>;
