import { authOf, originOf, type AppContext } from '../middleware/context';
import type { AdminService } from '../services/admin.service';
import type { AuditListQuery, PageQuery, UserListQuery, UserParams, UserPatchInput } from '../validators/admin.schemas';

/** Handlers of the admin API; every rule (roles, refusals) lives in the service. */
export function createAdminController(admin: AdminService) {
  return {
    listUsers: async (ctx: AppContext, query: UserListQuery): Promise<void> => {
      ctx.body = await admin.listUsers(authOf(ctx), query);
    },

    getUser: async (ctx: AppContext, params: UserParams): Promise<void> => {
      ctx.body = { user: await admin.getUser(authOf(ctx), params.id) };
    },

    updateUser: async (ctx: AppContext, params: UserParams, input: UserPatchInput): Promise<void> => {
      ctx.body = { user: await admin.updateUser(authOf(ctx), params.id, input, originOf(ctx)) };
    },

    revokeSessions: async (ctx: AppContext, params: UserParams): Promise<void> => {
      const ended = await admin.revokeSessions(authOf(ctx), params.id, originOf(ctx));
      ctx.body = { message: 'Sessions revoked', sessions_ended: ended };
    },

    deleteUser: async (ctx: AppContext, params: UserParams): Promise<void> => {
      await admin.deleteUser(authOf(ctx), params.id, originOf(ctx));
      ctx.body = { message: 'User deleted' };
    },

    listAudit: async (ctx: AppContext, query: AuditListQuery): Promise<void> => {
      ctx.body = await admin.listAudit(authOf(ctx), query);
    },

    listDeliveries: async (ctx: AppContext, query: PageQuery): Promise<void> => {
      ctx.body = await admin.listDeliveries(authOf(ctx), query);
    },
  };
}

export type AdminController = ReturnType<typeof createAdminController>;
