import type Router from '@koa/router';
import type { IntrospectionController } from '../controllers/introspection.controller';
import type { createClientAuthentication } from '../middleware/client-auth';
import type { AppState } from '../middleware/context';
import { withFormBody } from '../middleware/validate';
import { tokenInputSchema } from '../validators/introspection.schemas';
import { createRouter } from './router';

export function createIntrospectionRouter(
  introspection: IntrospectionController,
  authenticateClient: ReturnType<typeof createClientAuthentication>,
): Router<AppState> {
  return createRouter('/auth')
    .post('/introspect', authenticateClient, withFormBody(tokenInputSchema, introspection.introspect))
    .post('/revoke', authenticateClient, withFormBody(tokenInputSchema, introspection.revoke));
}
