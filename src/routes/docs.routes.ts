import { createReadStream } from 'node:fs';
import type Router from '@koa/router';
import type { OpenAPIObject } from 'openapi3-ts/oas31';
import { AppError } from '../errors/app-error';
import type { AppContext, AppState } from '../middleware/context';
import { DOCS_ASSETS, DOCS_CSP, DOCS_PAGE } from '../openapi/swagger-ui';
import { createRouter } from './router';

/** GET /openapi.json, and Swagger UI at /docs with its files served from this server. */
export function createDocsRouter(document: OpenAPIObject): Router<AppState> {
  return createRouter()
    .get('/openapi.json', (ctx: AppContext) => {
      ctx.body = document;
    })
    .get('/docs', (ctx: AppContext) => {
      // Only this page runs scripts; every other response keeps `default-src 'none'`.
      ctx.set('Content-Security-Policy', DOCS_CSP);
      ctx.type = 'html';
      ctx.body = DOCS_PAGE;
    })
    .get('/docs/:asset', (ctx: AppContext & { params: { asset: string } }) => {
      // Own-property lookup in a fixed table: a name like "../x" or "__proto__" is simply not found.
      const asset = Object.hasOwn(DOCS_ASSETS, ctx.params.asset) ? DOCS_ASSETS[ctx.params.asset] : undefined;
      if (asset === undefined) throw new AppError('NOT_FOUND');
      ctx.type = asset.type;
      ctx.body = 'file' in asset ? createReadStream(asset.file) : asset.content;
    });
}
