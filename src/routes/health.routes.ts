import Router from '@koa/router';
import { healthController } from '../controllers/health.controller';
import type { AppState } from '../middleware/context';

export function createHealthRouter(): Router<AppState> {
  return new Router<AppState>({ prefix: '/health' })
    .get('/live', healthController.live)
    .get('/ready', healthController.ready);
}
