import type Router from '@koa/router';
import type { Metrics } from '../metrics/metrics';
import type { AppState } from '../middleware/context';
import { createRouter } from './router';

/** GET /metrics on the main port, for when no separate METRICS_PORT is configured. */
export function createMetricsRouter(metrics: Metrics): Router<AppState> {
  return createRouter().get('/metrics', async (ctx) => {
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.render();
  });
}
