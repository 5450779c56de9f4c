import type { AppContext } from '../middleware/context';
import type { DiscoveryService } from '../services/discovery.service';

/** The public metadata other services verify our tokens with. */
export function createDiscoveryController(discovery: DiscoveryService) {
  return {
    jwks: async (ctx: AppContext): Promise<void> => {
      // Public by design; cached no longer than a rotated key takes to start signing.
      ctx.set('Cache-Control', `public, max-age=${discovery.jwksMaxAgeSeconds}`);
      ctx.body = await discovery.jwks();
    },

    openIdConfiguration: (ctx: AppContext): void => {
      // Built from the caller's Host when no base is configured: no shared cache may serve it to anyone else.
      const cacheControl = discovery.metadataFromRequest
        ? 'no-store'
        : `public, max-age=${discovery.jwksMaxAgeSeconds}`;
      ctx.set('Cache-Control', cacheControl);
      ctx.body = discovery.openIdConfiguration(`${ctx.protocol}://${ctx.host}`);
    },
  };
}

export type DiscoveryController = ReturnType<typeof createDiscoveryController>;
