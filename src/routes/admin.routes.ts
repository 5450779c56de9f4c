import type Router from '@koa/router';
import type { AdminController } from '../controllers/admin.controller';
import type { createAuthenticate } from '../middleware/authenticate';
import type { AppState } from '../middleware/context';
import { withParams, withParamsAndBody, withQuery } from '../middleware/validate';
import {
  auditListQuerySchema,
  pageQuerySchema,
  userListQuerySchema,
  userParamsSchema,
  userPatchSchema,
} from '../validators/admin.schemas';
import { createRouter } from './router';

/** The admin API: every route needs a token; the service reads the caller's role from the database. */
export function createAdminRouter(
  admin: AdminController,
  authenticate: ReturnType<typeof createAuthenticate>,
): Router<AppState> {
  return createRouter('/admin')
    .get('/users', authenticate, withQuery(userListQuerySchema, admin.listUsers))
    .get('/users/:id', authenticate, withParams(userParamsSchema, admin.getUser))
    .patch('/users/:id', authenticate, withParamsAndBody(userParamsSchema, userPatchSchema, admin.updateUser))
    .post('/users/:id/revoke', authenticate, withParams(userParamsSchema, admin.revokeSessions))
    .delete('/users/:id', authenticate, withParams(userParamsSchema, admin.deleteUser))
    .get('/audit', authenticate, withQuery(auditListQuerySchema, admin.listAudit))
    .get('/webhooks/deliveries', authenticate, withQuery(pageQuerySchema, admin.listDeliveries));
}
