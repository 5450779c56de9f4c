import Router from '@koa/router';
import { createHealthController } from '../controllers/health.controller';
import type { RedisConnections } from '../db/redis';
import type { AppState } from '../middleware/context';

export function createHealthRouter(redis: RedisConnections | null): Router<AppState> {
  const health = createHealthController(redis);
  return new Router<AppState>({ prefix: '/health' }).get('/live', health.live).get('/ready', health.ready);
}
