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

/** 400 for a route that takes a JSON body; `invalid` shows a field that route rejects. */
export function invalidBody(invalid: ErrorDetail[]): ResponseObject {
  return errorResponse('The body is not valid JSON, or not what this route accepts.', {
    VALIDATION_FAILED: errorExample('VALIDATION_FAILED', 'One detail per invalid field', invalid),
    ...errorExamples({
      INVALID_JSON: 'The body does not parse as JSON (or has a __proto__ key)',
      BAD_REQUEST: 'The body cannot be read (e.g. Content-Encoding: gzip on a body that is not)',
    }),
  });
}

/** Responses several routes share; an operation points at them with `responseRef(name)`. */
export const sharedResponses: Record<string, ResponseObject> = {
  Unauthorized: errorResponse(
    'No usable access token.',
    errorExamples({
      UNAUTHENTICATED: 'No Authorization header',
      TOKEN_INVALID: 'Not a Bearer JWT this server signed, or a claim is missing',
      TOKEN_EXPIRED: 'Past its exp',
      TOKEN_REVOKED: 'Logged out, session ended, or all sessions ended',
      USER_NOT_FOUND: 'The account of the token was deleted',
    }),
    {
      'WWW-Authenticate': {
        description: '`Bearer` without a token, `Bearer error="invalid_token"` for a bad one (RFC 6750).',
        schema: { type: 'string' },
      },
    },
  ),
  PayloadTooLarge: errorResponse(
    'The body is over 16 KiB.',
    errorExamples({ PAYLOAD_TOO_LARGE: 'A body over 16 KiB' }),
  ),
  UnsupportedMediaType: errorResponse(
    'The body is not application/json, or has an unknown Content-Encoding.',
    errorExamples({ UNSUPPORTED_MEDIA_TYPE: 'A form-encoded body' }),
  ),
  ServiceUnavailable: errorResponse(
    'MySQL does not answer; retry later.',
    errorExamples({ SERVICE_UNAVAILABLE: 'The database is unreachable' }),
  ),
};

/** The responses every route with a JSON body shares, besides its own 400. */
export const bodyErrors = {
  413: responseRef('PayloadTooLarge'),
  415: responseRef('UnsupportedMediaType'),
} as const;
