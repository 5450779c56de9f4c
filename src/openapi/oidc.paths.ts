import type { PathsObject, ResponseObject, SecurityRequirementObject } from 'openapi3-ts/oas31';
import {
  accountParamsSchema,
  oidcExchangeSchema,
  oidcLoginQuerySchema,
  oidcProviderParamsSchema,
} from '../validators/oidc.schemas';
import { sampleCookieSession, sampleTokenPair, sampleUser } from './examples';
import { jsonBody, pathParameters, queryParameters } from './request-bodies';
import {
  bodyErrors,
  errorExample,
  errorExamples,
  errorResponse,
  invalidBody,
  jsonResponse,
  responseRef,
} from './responses';
import { schemaRef } from './schemas';
import { authTransportHeader, csrfHeader, ISSUED_COOKIES, rateLimits, setCookieHeader } from './transport';

const SAMPLE_REDIRECT = 'https://app.example.com/signed-in';
const providerParameter = pathParameters(oidcProviderParamsSchema, { provider: 'example' });

const unknownProvider = {
  404: errorResponse(
    'No provider of this name in OIDC_PROVIDERS.',
    errorExamples({ OIDC_PROVIDER_UNKNOWN: 'A provider that is not configured' }),
  ),
};

/** A redirect with no body: where to, and what it sets. */
function redirect(description: string, location: string, setCookie: string): ResponseObject {
  return {
    description,
    headers: {
      Location: { description: location, required: true, schema: { type: 'string', format: 'uri' } },
      ...setCookieHeader(setCookie),
    },
  };
}

const security: SecurityRequirementObject[] = [{ bearerAuth: [] }, { cookieAuth: [] }];
const authErrors = { 401: responseRef('Unauthorized'), 503: responseRef('ServiceUnavailable') };

export const oidcPaths: PathsObject = {
  '/auth/oidc/{provider}/login': {
    get: {
      operationId: 'oidcLogin',
      tags: ['oidc'],
      summary: 'Start signing in with an OpenID provider (open it in the browser)',
      description:
        'Redirects the browser to the provider with `response_type=code`, PKCE (`S256`), `state` and `nonce`, ' +
        'all bound to this browser by an HttpOnly, SameSite=Lax, 10-minute cookie. The front end sends a ' +
        '`code_challenge` of its own (RFC 7636, S256) and keeps its verifier: the code the callback hands ' +
        'back is exchanged only with that verifier, so a code lured into another browser signs nobody in. ' +
        rateLimits('at RATE_LIMIT_OIDC_LOGIN_PER_IP starts per client IP (default 100)'),
      parameters: [
        ...providerParameter,
        ...queryParameters(oidcLoginQuerySchema, {
          redirect_to: SAMPLE_REDIRECT,
          code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        }),
      ],
      responses: {
        302: redirect(
          "To the provider's authorization endpoint.",
          'The authorization URL.',
          'The binding cookie (`__Host-oidc_binding`, `oidc_binding` with COOKIE_SECURE=false).',
        ),
        400: errorResponse('redirect_to is missing, malformed or not on OIDC_REDIRECT_ALLOWLIST.', {
          VALIDATION_FAILED: errorExample('VALIDATION_FAILED', 'No redirect_to', [
            { field: 'redirect_to', message: 'redirect_to is required' },
          ]),
          ...errorExamples({ OIDC_REDIRECT_NOT_ALLOWED: 'A redirect_to not on the allowlist' }),
        }),
        ...unknownProvider,
        429: responseRef('RateLimited'),
        503: errorResponse(
          "The provider's discovery document cannot be fetched (retried with backoff).",
          errorExamples({ OIDC_PROVIDER_UNAVAILABLE: 'The provider is down' }),
          { 'Retry-After': { description: 'Seconds until discovery is tried again.', schema: { type: 'integer' } } },
        ),
      },
    },
  },
  '/auth/oidc/{provider}/callback': {
    get: {
      operationId: 'oidcCallback',
      tags: ['oidc'],
      summary: 'Where the provider sends the browser back (the redirect URI registered there)',
      description:
        'Checks `state` against the binding cookie (single use), redeems the code with the PKCE verifier, ' +
        'validates the ID token (signature, issuer, audience, expiry, nonce), then finds, links or creates ' +
        'the user. Query parameters are those the provider sends (`code`, `state`, `iss`, or `error`).',
      parameters: providerParameter,
      responses: {
        302: redirect(
          'To `redirect_to` with `?code=<one-time code>` (60 s, single use), or with `?error=<CODE>` (and ' +
            '`&details=<provider error>` for OIDC_PROVIDER_ERROR): OIDC_STATE_INVALID, OIDC_NONCE_INVALID, ' +
            'OIDC_ID_TOKEN_INVALID, OIDC_ACCESS_DENIED, OIDC_PROVIDER_ERROR, OIDC_EMAIL_UNVERIFIED, ' +
            'OIDC_ACCOUNT_UNVERIFIED, OIDC_PROVIDER_UNAVAILABLE. Never a token.',
          `${SAMPLE_REDIRECT}?code=… or ${SAMPLE_REDIRECT}?error=OIDC_ACCESS_DENIED`,
          'The binding cookie, expired (Max-Age=0).',
        ),
        400: errorResponse(
          'No binding cookie, or one that is unknown or already used (a replayed callback).',
          errorExamples({ OIDC_STATE_INVALID: 'No binding cookie' }),
        ),
        ...unknownProvider,
      },
    },
  },
  '/auth/oidc/exchange': {
    post: {
      operationId: 'oidcExchange',
      tags: ['oidc'],
      summary: 'Exchange the one-time code for what POST /auth/login answers',
      description:
        'Starts a session like a login, cookie transport included. ' +
        rateLimits('at RATE_LIMIT_OIDC_EXCHANGE_PER_IP exchanges per client IP (default 100)'),
      parameters: [authTransportHeader],
      requestBody: jsonBody(oidcExchangeSchema, {
        code: 'bW9yZS10aGFuLTMyLWJ5dGVzLW9mLXJhbmRvbW5lc3M',
        code_verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
      }),
      responses: {
        200: jsonResponse(
          'Logged in.',
          { oneOf: [schemaRef('AuthResponse'), schemaRef('CookieAuthResponse')] },
          {
            exchanged: { value: { user: sampleUser, ...sampleTokenPair } },
            exchangedWithCookies: {
              summary: 'With X-Auth-Transport: cookie',
              value: { user: sampleUser, ...sampleCookieSession },
            },
          },
          setCookieHeader(ISSUED_COOKIES),
        ),
        400: invalidBody([{ field: 'code', message: 'code is required' }], true),
        401: errorResponse(
          'The code is unknown, expired or used, its user was disabled or deleted since, or code_verifier is ' +
            'not the verifier of the code_challenge the sign-in started with.',
          errorExamples({ OIDC_CODE_INVALID: 'A code exchanged already' }),
        ),
        ...bodyErrors,
        429: responseRef('RateLimited'),
        503: responseRef('ServiceUnavailable'),
      },
    },
  },
  '/auth/accounts': {
    get: {
      operationId: 'listAccounts',
      tags: ['account'],
      summary: "The caller's linked providers, oldest first",
      security,
      responses: {
        200: jsonResponse(
          'Linked providers.',
          {
            type: 'object',
            required: ['accounts'],
            additionalProperties: false,
            properties: { accounts: { type: 'array', items: schemaRef('LinkedAccount') } },
          },
          {
            accounts: {
              value: { accounts: [{ provider: 'example', type: 'oidc', linked_at: '2026-01-15T09:30:00.000Z' }] },
            },
          },
        ),
        ...authErrors,
      },
    },
  },
  '/auth/accounts/{provider}': {
    delete: {
      operationId: 'unlinkAccount',
      tags: ['account'],
      summary: 'Unlink a provider, unless it is your last way to sign in',
      security,
      parameters: [...pathParameters(accountParamsSchema, { provider: 'example' }), csrfHeader],
      responses: {
        200: jsonResponse('Unlinked.', schemaRef('Message'), { unlinked: { value: { message: 'Account unlinked' } } }),
        403: responseRef('CsrfTokenInvalid'),
        404: errorResponse(
          'No account at this provider is linked to the caller.',
          errorExamples({ ACCOUNT_NOT_FOUND: 'Not linked' }),
        ),
        409: errorResponse(
          'The user has no password and no other linked provider.',
          errorExamples({ LAST_SIGN_IN_METHOD: 'The only way in' }),
        ),
        ...authErrors,
      },
    },
  },
};
