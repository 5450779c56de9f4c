import type { PathsObject, SchemaObject } from 'openapi3-ts/oas31';
import { errorExample, errorExamples, errorResponse, jsonResponse } from './responses';
import { DOCS_ASSETS } from './swagger-ui';

const status = (value: string): SchemaObject => ({
  type: 'object',
  required: ['status'],
  additionalProperties: false,
  properties: { status: { const: value } },
});

const READY: SchemaObject = {
  ...status('ready'),
  properties: {
    status: { const: 'ready' },
    redis: {
      enum: ['up', 'degraded'],
      description:
        'Only when REDIS_URL is set. `degraded`: Redis is unreachable; limits count in memory per ' +
        'instance and other instances see revocations within REVOCATION_CACHE_TTL_MS, until it returns.',
    },
  },
};

const METRICS_DESCRIPTION =
  'Prometheus text: `http_requests_total` and `http_request_duration_seconds` (by method, route ' +
  'template, status), `auth_logins_total` (by outcome), `auth_revocations_total` (by reason), ' +
  '`auth_rate_limit_hits_total` (by route), `auth_blocklist_size`, with REDIS_URL ' +
  '`auth_revocation_messages_total` (by event: published, publish_failed, received, applied, rejected) and ' +
  '`auth_revocation_fanout_lag_seconds`, and the process and Node.js ' +
  'metrics. Served here only when METRICS_ENABLED=true (the default) and METRICS_PORT is empty; ' +
  'with METRICS_PORT set it is served only on that port (bound to METRICS_HOST), never here.';

export const systemPaths: PathsObject = {
  '/health/live': {
    get: {
      operationId: 'live',
      tags: ['health'],
      summary: 'Liveness probe: the process answers (never touches MySQL)',
      responses: { 200: jsonResponse('Alive.', status('live'), { live: { value: { status: 'live' } } }) },
    },
  },
  '/health/ready': {
    get: {
      operationId: 'ready',
      tags: ['health'],
      summary: 'Readiness probe: MySQL answers and no migration is pending (Redis down is only degraded)',
      responses: {
        200: jsonResponse('Ready to serve.', READY, { ready: { value: { status: 'ready' } } }),
        503: errorResponse('Not ready; `details` names what is missing.', {
          databaseDown: errorExample('SERVICE_UNAVAILABLE', 'MySQL does not answer', [
            { field: 'database', message: 'MySQL does not answer' },
          ]),
          migrationsPending: errorExample('SERVICE_UNAVAILABLE', 'The schema is behind this build', [
            { field: 'migrations', message: '1 migration(s) pending' },
          ]),
        }),
      },
    },
  },
  '/openapi.json': {
    get: {
      operationId: 'openApiDocument',
      tags: ['docs'],
      summary: 'This document',
      responses: {
        200: {
          description: 'The OpenAPI 3.1 document of every route.',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['openapi', 'info', 'paths', 'components'],
                properties: { openapi: { const: '3.1.0' } },
              },
            },
          },
        },
      },
    },
  },
  '/docs': {
    get: {
      operationId: 'docsPage',
      tags: ['docs'],
      summary: 'Swagger UI over this document',
      responses: { 200: { description: 'The HTML page.', content: { 'text/html': { schema: { type: 'string' } } } } },
    },
  },
  '/docs/{asset}': {
    get: {
      operationId: 'docsAsset',
      tags: ['docs'],
      summary: 'A file of the Swagger UI page, served from this server',
      parameters: [
        { name: 'asset', in: 'path', required: true, schema: { type: 'string', enum: Object.keys(DOCS_ASSETS) } },
      ],
      responses: {
        200: {
          description: 'The file.',
          content: {
            'text/css': { schema: { type: 'string' } },
            'text/javascript': { schema: { type: 'string' } },
            'image/png': { schema: { type: 'string', contentMediaType: 'image/png' } },
          },
        },
        404: errorResponse('No such file.', errorExamples({ NOT_FOUND: 'A name that is not in the list' })),
      },
    },
  },
  '/metrics': {
    get: {
      operationId: 'metrics',
      tags: ['metrics'],
      summary: 'Metrics for Prometheus to scrape',
      description: METRICS_DESCRIPTION,
      responses: {
        200: {
          description: 'The Prometheus text exposition format.',
          content: { 'text/plain; version=0.0.4; charset=utf-8': { schema: { type: 'string' } } },
        },
      },
    },
  },
};
