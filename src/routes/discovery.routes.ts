import type Router from '@koa/router';
import type { DiscoveryController } from '../controllers/discovery.controller';
import type { AppState } from '../middleware/context';
import { createRouter } from './router';

export function createDiscoveryRouter(discovery: DiscoveryController): Router<AppState> {
  return createRouter('/.well-known')
    .get('/jwks.json', discovery.jwks)
    .get('/openid-configuration', discovery.openIdConfiguration);
}
