import type { AppContext } from '../middleware/context';
import type { IntrospectionService } from '../services/introspection.service';
import type { TokenInput } from '../validators/introspection.schemas';

/** RFC 7662 introspection and RFC 7009 revocation, for authenticated clients. */
export function createIntrospectionController(introspection: IntrospectionService) {
  return {
    introspect: async (ctx: AppContext, input: TokenInput): Promise<void> => {
      const result = await introspection.introspect(input.token);
      // An answer about a token is as sensitive as the token: no cache keeps it.
      ctx.set('Cache-Control', 'no-store');
      ctx.body = result.active ? { ...result, client_id: ctx.state.clientId } : result;
    },

    revoke: async (ctx: AppContext, input: TokenInput): Promise<void> => {
      await introspection.revoke(input.token);
      ctx.set('Cache-Control', 'no-store');
      ctx.status = 200;
      ctx.body = '';
    },
  };
}

export type IntrospectionController = ReturnType<typeof createIntrospectionController>;
