import Router from '@koa/router';
import type { HealthController } from '../controllers/health.controller';
import type { AppState } from '../middleware/context';

export function createHealthRouter(health: HealthController): Router<AppState> {
  return new Router<AppState>({ prefix: '/health' }).get('/live', health.live).get('/ready', health.ready);
}
