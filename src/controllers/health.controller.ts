import type { AppContext } from '../middleware/context';
import { checkReadiness } from '../services/health.service';

/** Probes for orchestrators: live = the process answers; ready = it can serve requests. */
export const healthController = {
  live: (ctx: AppContext): void => {
    ctx.body = { status: 'live' };
  },

  ready: async (ctx: AppContext): Promise<void> => {
    await checkReadiness();
    ctx.body = { status: 'ready' };
  },
};
