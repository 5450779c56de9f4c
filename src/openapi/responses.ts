import type { ExampleObject, ReferenceObject, ResponseObject, SchemaObject } from 'openapi3-ts/oas31';
import type { ErrorDetail } from '../errors/app-error';
import { ERRORS, type ErrorCode } from '../errors/catalogue';
import { schemaRef } from './schemas';

type Headers = NonNullable<ResponseObject['headers']>;
export type Examples = Record<string, ExampleObject>;

/** A `$ref` to a component response. */
export const responseRef = (name: string): ReferenceObject => ({ $ref: `#/components/responses/${name}` });

/** A JSON response of `schema`, with named examples (the API test replays every one of them). */
export function jsonResponse(
  description: string,
  schema: SchemaObject | ReferenceObject,
  examples: Examples,
  headers?: Headers,
): ResponseObject {
  return {
    description,
    ...(headers === undefined ? {} : { headers }),
    content: { 'application/json': { schema, examples } },
  };
}

/** The body the server writes for `code`, with the catalogue's message. */
export function errorExample(code: ErrorCode, summary: string, details?: ErrorDetail[]): ExampleObject {
  const error = { code, message: ERRORS[code].message, ...(details === undefined ? {} : { details }) };
  return { summary, value: { error } };
}

/** Error examples named by their code: `errorExamples({ EMAIL_TAKEN: 'The email is taken' })`. */
export function errorExamples(summaries: Partial<Record<ErrorCode, string>>): Examples {
  return Object.fromEntries(
    Object.entries(summaries).map(([code, summary]) => [code, errorExample(code as ErrorCode, summary)]),
  );
}

/** An error response: the shared Error schema, one example per code it can carry. */
export function errorResponse(description: string, examples: Examples, headers?: Headers): ResponseObject {
  return jsonResponse(description, schemaRef('Error'), examples, headers);
}

/**
 * 400 for a route that takes a JSON body; `invalid` shows a field that route rejects, and
 * `issuesTokens` adds the answer to `X-Auth-Transport: cookie` on a server without cookie mode.
 */
export function invalidBody(invalid: ErrorDetail[], issuesTokens = false): ResponseObject {
  const description = 'The body is not valid JSON, or not what this route accepts.';
  return errorResponse(
    issuesTokens ? `${description} Or cookie transport was asked for and is off, or misspelt.` : description,
    {
      VALIDATION_FAILED: errorExample('VALIDATION_FAILED', 'One detail per invalid field', invalid),
      ...errorExamples({
        INVALID_JSON: 'The body is not UTF-8, does not parse as JSON, or has a __proto__ key',
        BAD_REQUEST: 'The body cannot be read (e.g. Content-Encoding: gzip on a body that is not)',
        ...(issuesTokens ? { COOKIE_MODE_DISABLED: 'X-Auth-Transport: cookie while COOKIE_MODE=false' } : {}),
      }),
    },
  );
}

/** Responses several routes share; an operation points at them with `responseRef(name)`. */
export const sharedResponses: Record<string, ResponseObject> = {
  Unauthorized: errorResponse(
    'No usable access token.',
    errorExamples({
      UNAUTHENTICATED: 'No Authorization header (and no access cookie in cookie mode)',
      TOKEN_INVALID:
        'Not a Bearer JWT this server signed (malformed, a crit/jku/jwk/x5u/x5c header, a typ other than JWT), or a claim is missing',
      TOKEN_EXPIRED: 'Past its exp',
      TOKEN_REVOKED: "Logged out, session ended (or not one of the token's sub), or all sessions ended",
      USER_NOT_FOUND: 'The account of the token was deleted',
    }),
    {
      'WWW-Authenticate': {
        description: '`Bearer` without a token, `Bearer error="invalid_token"` for a bad one (RFC 6750).',
        required: true,
        schema: { type: 'string' },
      },
    },
  ),
  AdapterSecretInvalid: errorResponse(
    'X-Auth-Secret is missing or is not AUTHJS_ADAPTER_SECRET (nothing was read or written). Past ' +
      'RATE_LIMIT_ADAPTER_SECRET_FAILURES_PER_IP failures from one client IP in a window: 429 RATE_LIMITED.',
    errorExamples({ ADAPTER_SECRET_INVALID: 'No X-Auth-Secret header' }),
  ),
  PayloadTooLarge: errorResponse(
    'The body is over 16 KiB.',
    errorExamples({ PAYLOAD_TOO_LARGE: 'A body over 16 KiB' }),
  ),
  UnsupportedMediaType: errorResponse(
    'The body is not application/json, or has an unknown Content-Encoding.',
    errorExamples({ UNSUPPORTED_MEDIA_TYPE: 'A form-encoded body' }),
  ),
  CsrfTokenInvalid: errorResponse(
    'The request authenticates by cookie, and its X-CSRF-Token header does not match the CSRF cookie.',
    errorExamples({ CSRF_TOKEN_INVALID: 'Cookies without the X-CSRF-Token header' }),
  ),
  RateLimited: errorResponse(
    'Too many attempts from this client IP (or on this account) in the current window. The client IP is ' +
      'the peer address, or the X-Forwarded-For entry TRUST_PROXY_HOPS back when TRUST_PROXY=true.',
    errorExamples({ RATE_LIMITED: 'Over the per-IP limit' }),
    {
      'Retry-After': {
        description: 'Seconds until the window that refused this attempt ends.',
        required: true,
        schema: { type: 'integer', minimum: 1 },
      },
    },
  ),
  ServiceUnavailable: errorResponse(
    'MySQL does not answer, or concurrent changes to the same user kept colliding (a deadlock or ' +
      'lock wait, after the server already retried); retry later.',
    errorExamples({ SERVICE_UNAVAILABLE: 'The database is unreachable' }),
    {
      'Retry-After': {
        description: 'Seconds to wait before retrying; sent when the cause was colliding changes.',
        required: false,
        schema: { type: 'integer', minimum: 1 },
      },
    },
  ),
};

/** The responses every route with a JSON body shares, besides its own 400. */
export const bodyErrors = {
  413: responseRef('PayloadTooLarge'),
  415: responseRef('UnsupportedMediaType'),
} as const;
