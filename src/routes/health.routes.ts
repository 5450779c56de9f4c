import type Router from '@koa/router';
import type { HealthController } from '../controllers/health.controller';
import type { AppState } from '../middleware/context';
import { createRouter } from './router';

export function createHealthRouter(health: HealthController): Router<AppState> {
  return createRouter('/health').get('/live', health.live).get('/ready', health.ready);
}
