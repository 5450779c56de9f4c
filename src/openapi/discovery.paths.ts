import type { HeadersObject, PathsObject, SchemaObject } from 'openapi3-ts/oas31';
import { jsonResponse } from './responses';

const cacheControl: HeadersObject = {
  'Cache-Control': {
    description: '`public, max-age=KEYS_REFRESH_SECONDS`: never cached longer than a new key takes to sign.',
    required: true,
    schema: { type: 'string' },
  },
};

const metadataCacheControl: HeadersObject = {
  'Cache-Control': {
    description:
      '`public, max-age=KEYS_REFRESH_SECONDS` when the base URL is configured (JWT_ISSUER as an http(s) URL, or ' +
      "PUBLIC_URL); `no-store` when it is this request's origin, so that no shared cache serves it to another caller.",
    required: true,
    schema: { type: 'string' },
  },
};

const JWK: SchemaObject = {
  type: 'object',
  required: ['kty', 'kid', 'alg', 'use'],
  properties: {
    kty: { enum: ['RSA', 'EC'] },
    kid: { type: 'string', description: 'The RFC 7638 thumbprint of the key; tokens name it in their header.' },
    alg: { enum: ['RS256', 'ES256'] },
    use: { const: 'sig' },
    n: { type: 'string' },
    e: { type: 'string' },
    crv: { const: 'P-256' },
    x: { type: 'string' },
    y: { type: 'string' },
  },
};

const JWKS: SchemaObject = {
  type: 'object',
  required: ['keys'],
  additionalProperties: false,
  properties: { keys: { type: 'array', items: JWK } },
};

const url = { type: 'string', format: 'uri' } as const;
const strings = { type: 'array', items: { type: 'string' } } as const;

const OPENID_CONFIGURATION: SchemaObject = {
  type: 'object',
  required: ['issuer', 'jwks_uri', 'introspection_endpoint', 'id_token_signing_alg_values_supported'],
  properties: {
    issuer: { type: 'string', description: "JWT_ISSUER: the tokens' `iss` (the base URL when unset)." },
    jwks_uri: url,
    introspection_endpoint: url,
    introspection_endpoint_auth_methods_supported: strings,
    revocation_endpoint: url,
    revocation_endpoint_auth_methods_supported: strings,
    token_endpoint_auth_methods_supported: strings,
    id_token_signing_alg_values_supported: strings,
    response_types_supported: strings,
    subject_types_supported: strings,
  },
};

export const discoveryPaths: PathsObject = {
  '/.well-known/jwks.json': {
    get: {
      operationId: 'jwks',
      tags: ['keys'],
      summary: 'The public keys that may still verify tokens (RS256/ES256); none with HS*',
      description:
        'Every key not retired: the one signing now and those whose tokens may still be live. A token ' +
        'is valid only with the key its `kid` names and that key’s `alg`. With an HMAC algorithm ' +
        '(the default HS256) nothing is published: only this server can verify its tokens.',
      responses: {
        200: jsonResponse('The JSON Web Key Set (RFC 7517).', JWKS, { hmac: { value: { keys: [] } } }, cacheControl),
      },
    },
  },
  '/.well-known/openid-configuration': {
    get: {
      operationId: 'openIdConfiguration',
      tags: ['keys'],
      summary: 'Where the keys, introspection and revocation are (the part of OpenID discovery that applies)',
      responses: {
        200: jsonResponse(
          'The metadata; endpoints are absolute URLs under JWT_ISSUER when it is an http(s) URL, else under ' +
            "PUBLIC_URL, else under this request's origin (its Host).",
          OPENID_CONFIGURATION,
          {
            metadata: {
              value: {
                issuer: 'https://auth.example.com',
                jwks_uri: 'https://auth.example.com/.well-known/jwks.json',
                introspection_endpoint: 'https://auth.example.com/auth/introspect',
                introspection_endpoint_auth_methods_supported: ['client_secret_basic'],
                revocation_endpoint: 'https://auth.example.com/auth/revoke',
                revocation_endpoint_auth_methods_supported: ['client_secret_basic'],
                token_endpoint_auth_methods_supported: ['client_secret_basic'],
                id_token_signing_alg_values_supported: ['RS256'],
                response_types_supported: ['token'],
                subject_types_supported: ['public'],
              },
            },
          },
          metadataCacheControl,
        ),
      },
    },
  },
};
