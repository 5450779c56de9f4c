import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { OpenAPIObject } from 'openapi3-ts/oas31';
import { projectRoot } from '../db/migrator';
import { accountPaths } from './account.paths';
import { adapterPaths } from './adapter.paths';
import { adminPaths, adminSchemas } from './admin.paths';
import { authPaths } from './auth.paths';
import { discoveryPaths } from './discovery.paths';
import { emailPaths } from './email.paths';
import { introspectionPaths } from './introspection.paths';
import { oidcPaths } from './oidc.paths';
import { sharedResponses } from './responses';
import { schemas } from './schemas';
import { systemPaths } from './system.paths';
import { cookieAuth } from './transport';

function packageVersion(): string {
  const manifest: unknown = JSON.parse(readFileSync(path.join(projectRoot(__dirname), 'package.json'), 'utf8'));
  const version = typeof manifest === 'object' && manifest !== null && 'version' in manifest ? manifest.version : null;
  if (typeof version !== 'string') throw new Error('package.json has no version');
  return version;
}

/** The OpenAPI 3.1 description of every route, served at /openapi.json. */
export function buildOpenApiDocument(): OpenAPIObject {
  return {
    openapi: '3.1.0',
    info: {
      title: 'JWT auth server',
      version: packageVersion(),
      description:
        'Sign up, log in, rotate refresh tokens, manage sessions. Every error is ' +
        '`{ "error": { "code", "message", "details"? } }`; every response carries an `X-Request-Id`. ' +
        'Browsers may keep the tokens in cookies instead (COOKIE_MODE=true, `X-Auth-Transport: cookie`); ' +
        'cross-origin callers must be listed in CORS_ORIGINS. On any path, no route answers 404 NOT_FOUND, ' +
        'a method the route lacks 405 METHOD_NOT_ALLOWED (with Allow), and a bug 500 INTERNAL_ERROR. ' +
        'A header read as one value (Host, Authorization, Content-Type, Origin, Access-Control-Request-Method, ' +
        'X-CSRF-Token, X-Auth-Transport, X-Request-Id) sent on several lines, an HTTP/1.1 request without Host, ' +
        'or an invalid Host is 400 BAD_REQUEST. A body of zero bytes is no body, whatever its Content-Type.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'auth', description: 'Accounts and token pairs' },
      { name: 'account', description: 'What a signed-in user does to their sessions, password and linked providers' },
      { name: 'introspection', description: 'For other services: is a token live (RFC 7662), revoke one (RFC 7009)' },
      { name: 'keys', description: 'For other services: the public keys that verify tokens, and where things are' },
      {
        name: 'adapter',
        description:
          'The database of an Auth.js app (docs/reference/authjs.md): only while AUTHJS_ADAPTER_SECRET is set, else 404',
      },
      { name: 'admin', description: 'Managing users (moderators and admins); the audit log; webhook outcomes' },
      { name: 'oidc', description: 'Sign-in with an OpenID Connect provider (docs/reference/oidc.md)' },
      { name: 'health', description: 'Probes for orchestrators' },
      { name: 'docs', description: 'This document and its viewer' },
      { name: 'metrics', description: 'Prometheus scraping' },
    ],
    paths: {
      ...authPaths,
      ...accountPaths,
      ...emailPaths,
      ...oidcPaths,
      ...introspectionPaths,
      ...discoveryPaths,
      ...adminPaths,
      ...adapterPaths,
      ...systemPaths,
    },
    components: {
      schemas: { ...schemas, ...adminSchemas },
      responses: sharedResponses,
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'An access token from login, signup or refresh, signed with JWT_ALGORITHM (HS256 by default). ' +
            'Refused with 401 TOKEN_INVALID: anything but three segments of base64url UTF-8 JSON objects, ' +
            'a token over 8 KiB, a header with crit, jku, jwk, x5u or x5c, or a typ other than JWT. ' +
            'Refused with 401 TOKEN_INVALID too: a kid that names no key in use, or an alg other than that key’s. ' +
            'Refused with 401 TOKEN_REVOKED: a sid that is not a live session of its sub.',
        },
        cookieAuth,
        clientBasic: {
          type: 'http',
          scheme: 'basic',
          description: 'A client of INTROSPECTION_CLIENTS: its id and secret, each form-urlencoded (RFC 6749 §2.3.1).',
        },
      },
    },
  };
}
