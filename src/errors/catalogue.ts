/** Every error a client can see: a stable code, its HTTP status and a default message. */
export const ERRORS = {
  VALIDATION_FAILED: { status: 400, message: 'The request is not valid.' },
  INVALID_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  BAD_REQUEST: { status: 400, message: 'The request could not be read.' },
  COOKIE_MODE_DISABLED: {
    status: 400,
    message:
      'Cookie transport is off on this server (its operator turns it on with the server setting COOKIE_MODE=true); ' +
      'send no X-Auth-Transport header to get the tokens in the body.',
  },
  UNAUTHENTICATED: {
    status: 401,
    message: 'Authentication is required: send the header Authorization: Bearer <access token>.',
  },
  INVALID_CREDENTIALS: { status: 401, message: 'Email or password is incorrect.' },
  TOKEN_INVALID: { status: 401, message: 'The access token is not valid.' },
  TOKEN_EXPIRED: {
    status: 401,
    message: 'The access token has expired: get a new one from POST /auth/refresh with your refresh token.',
  },
  TOKEN_REVOKED: { status: 401, message: 'The access token has been revoked.' },
  USER_NOT_FOUND: { status: 401, message: 'The user of this token no longer exists.' },
  REFRESH_TOKEN_INVALID: { status: 401, message: 'The refresh token is not valid.' },
  REFRESH_TOKEN_EXPIRED: { status: 401, message: 'The refresh token has expired; log in again.' },
  REFRESH_TOKEN_REVOKED: { status: 401, message: 'The session of this refresh token has ended; log in again.' },
  REFRESH_TOKEN_REUSED: {
    status: 401,
    message: 'This refresh token was already used; its session has been revoked. Log in again.',
  },
  PASSWORD_INCORRECT: { status: 403, message: 'The current password is incorrect.' },
  CSRF_TOKEN_INVALID: {
    status: 403,
    message: 'The X-CSRF-Token header is missing or does not match the CSRF cookie.',
  },
  NOT_FOUND: { status: 404, message: 'No such route.' },
  SESSION_NOT_FOUND: { status: 404, message: 'No such session.' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'This method is not allowed on this route.' },
  EMAIL_TAKEN: { status: 409, message: 'An account with this email already exists.' },
  REFRESH_CONFLICT: {
    status: 409,
    message: 'This refresh token was just rotated by a concurrent request; use the tokens that request received.',
  },
  REQUEST_TIMEOUT: { status: 408, message: 'The request was not received in time.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request body must be application/json.' },
  RATE_LIMITED: { status: 429, message: 'Too many attempts; try again after the Retry-After seconds.' },
  HEADERS_TOO_LARGE: { status: 431, message: 'The request headers are too large.' },
  INTERNAL_ERROR: { status: 500, message: 'Something went wrong on our side.' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'The service is temporarily unavailable.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/**
 * Messages for particular cases of a code: the same code and status as the catalogue entry, with
 * a message that says what happened and what to do. Those that take an argument only ever name a
 * header, never a value the client sent.
 */
export const CASE_MESSAGES = {
  /** UNAUTHENTICATED on a server with cookie mode on. */
  unauthenticatedCookieMode:
    'Authentication is required: send the header Authorization: Bearer <access token>, ' +
    'or the access cookie that a login with X-Auth-Transport: cookie set.',
  /** UNAUTHENTICATED for a cookie refresh that has neither a body token nor the refresh cookie. */
  refreshTokenMissing: 'Send refresh_token in the body or the refresh cookie.',
  /** A JWT (an access token) where a refresh token belongs. */
  accessTokenAsRefreshToken:
    'This is an access token (a JWT), not a refresh token: send the refresh_token that signup, login or refresh returned.',
  /** TOKEN_INVALID for a refresh token sent where an access token belongs. */
  refreshTokenAsAccessToken:
    'This is a refresh token, not an access token: exchange it at POST /auth/refresh, ' +
    'then send the access_token it returns as Authorization: Bearer <access token>.',
  /** BAD_REQUEST for an X-Auth-Transport other than "cookie". */
  authTransportInvalid: 'X-Auth-Transport must be "cookie" or absent.',
  /** BAD_REQUEST for an HTTP/1.1 request without Host (RFC 9112 §3.2). */
  hostMissing: 'An HTTP/1.1 request must carry a Host header.',
  /** BAD_REQUEST for a Host that is not host[:port] (RFC 9112 §3.2). */
  hostInvalid: 'The Host header must be a host name or address with an optional :port.',
  /** BAD_REQUEST for a header the server reads as one value, sent on several lines. */
  headerRepeated: (name: string) => `The ${name} header must be sent once, not on several lines.`,
} as const;
