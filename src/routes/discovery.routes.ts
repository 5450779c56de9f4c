import Router from '@koa/router';
import type { DiscoveryController } from '../controllers/discovery.controller';
import type { AppState } from '../middleware/context';

export function createDiscoveryRouter(discovery: DiscoveryController): Router<AppState> {
  return new Router<AppState>({ prefix: '/.well-known' })
    .get('/jwks.json', discovery.jwks)
    .get('/openid-configuration', discovery.openIdConfiguration);
}
