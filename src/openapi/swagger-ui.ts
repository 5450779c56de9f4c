import path from 'node:path';

/** Where npm put swagger-ui-dist: its files are served from this machine, never from a CDN. */
const DIST = path.dirname(require.resolve('swagger-ui-dist/package.json'));

/** Our own start-up script, so the page needs no inline script (the CSP forbids them). */
const INITIALIZER = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
});
`;

/** A file of swagger-ui-dist, or content of our own; `type` is Koa's `ctx.type` shorthand. */
export type DocsAsset = { type: 'css' | 'js' | 'png'; file: string } | { type: 'js'; content: string };

/** Every file GET /docs/{asset} serves; any other name is a 404, so no path reaches the disk. */
export const DOCS_ASSETS: Readonly<Record<string, DocsAsset>> = {
  'swagger-ui.css': { type: 'css', file: path.join(DIST, 'swagger-ui.css') },
  'swagger-ui-bundle.js': { type: 'js', file: path.join(DIST, 'swagger-ui-bundle.js') },
  'swagger-initializer.js': { type: 'js', content: INITIALIZER },
  'favicon-32x32.png': { type: 'png', file: path.join(DIST, 'favicon-32x32.png') },
};

export const DOCS_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>API documentation</title>
    <link rel="stylesheet" href="/docs/swagger-ui.css" />
    <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script src="/docs/swagger-initializer.js"></script>
  </body>
</html>
`;

/**
 * The page's own policy, looser than the API's `default-src 'none'`: Swagger UI runs our scripts,
 * our styles and its inline SVG icons, and fetches /openapi.json and "try it out" calls here only.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
