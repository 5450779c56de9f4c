/** What the catalogue says of each code; docs/reference/errors.md is generated from it. */
export interface ErrorEntry {
  status: number;
  /** The default message of the body, for humans; clients branch on the code. */
  message: string;
  /** When the server answers with this code (Markdown). */
  when: string;
  /** What a client should do about it (Markdown). */
  clientAction: string;
}

/**
 * Every error a client can see: a stable code, its HTTP status, a default message, when it
 * happens and what the client should do. `npm run docs:generate` writes docs/reference/errors.md.
 */
export const ERRORS = {
  VALIDATION_FAILED: {
    status: 400,
    message: 'The request is not valid.',
    when:
      'The body or a path parameter is not what the route accepts: not an object; a field missing, null, of' +
      ' the wrong type, empty, too long or unknown; a bad email, password or name; `POST /auth/refresh` ' +
      'without `refresh_token` outside cookie mode, or with an access token (a JWT) as `refresh_token` ' +
      '(the detail says so). No body (zero bytes, whatever its `Content-Type`) counts as `{}`. ' +
      '`details` has one entry per bad field.',
    clientAction:
      'Fix the fields `details` names (every limit is in `/openapi.json`); the same request fails the same way again.',
  },
  INVALID_JSON: {
    status: 400,
    message: 'The request body is not valid JSON.',
    when: 'The body does not parse as JSON, is not UTF-8, or has a `__proto__` key.',
    clientAction: 'Send valid JSON; the same request fails the same way again.',
  },
  BAD_REQUEST: {
    status: 400,
    message: 'The request could not be read.',
    when:
      'The body cannot be read (a corrupt gzip or brotli body, a form body that is not UTF-8); an `X-Auth-Transport` other ' +
      "than `cookie`; a request line or body framing Node's HTTP parser refuses (answered before Koa); " +
      'a header read as one value (`Host`, `Authorization`, `Content-Type`, `Origin`, ' +
      '`Access-Control-Request-Method`, `X-CSRF-Token`, `X-Auth-Transport`, `X-Request-Id`) sent on ' +
      'several lines; an HTTP/1.1 request without `Host`, or an invalid `Host` (RFC 9112 §3.2).',
    clientAction:
      'Fix the request: an uncompressed or correctly compressed body, `X-Auth-Transport` only as ' +
      '`cookie`, each of those headers once, and a `Host`.',
  },
  COOKIE_MODE_DISABLED: {
    status: 400,
    message:
      'Cookie transport is off on this server (its operator turns it on with the server setting COOKIE_MODE=true); ' +
      'send no X-Auth-Transport header to get the tokens in the body.',
    when: '`X-Auth-Transport: cookie` while `COOKIE_MODE` is off on this server.',
    clientAction:
      'Send no `X-Auth-Transport` header and use the tokens in the body, or have the operator set `COOKIE_MODE=true`.',
  },
  RESET_TOKEN_INVALID: {
    status: 400,
    message: 'This password-reset link is not valid: it was used, has expired, or was never issued.',
    when:
      '`POST /auth/password/reset` with a token that is unknown, already used (each works once; a reset ' +
      "also retires the user's other reset links), past `PASSWORD_RESET_TTL_SECONDS`, or a verification token.",
    clientAction: 'Ask for a new link with `POST /auth/password/forgot`; the same token fails the same way again.',
  },
  VERIFY_TOKEN_INVALID: {
    status: 400,
    message: 'This email-verification link is not valid: it was used, has expired, or was never issued.',
    when:
      '`POST /auth/email/verify` with a token that is unknown, already used, past `EMAIL_VERIFY_TTL_SECONDS`, ' +
      'mailed before an admin changed the address, or a password-reset token.',
    clientAction:
      'Sign in and ask for a new link with `POST /auth/email/verify/request`; the same token fails the same way again.',
  },
  UNAUTHENTICATED: {
    status: 401,
    message: 'Authentication is required: send the header Authorization: Bearer <access token>.',
    when:
      'No `Authorization` header and no access cookie (with `WWW-Authenticate: Bearer`); a ' +
      'refresh by cookie with neither a `refresh_token` in the body nor the refresh cookie.',
    clientAction:
      'Log in, then send the access token as `Authorization: Bearer <token>` (or, in ' +
      'cookie mode, log in with `X-Auth-Transport: cookie` so the cookies are set).',
  },
  CLIENT_UNAUTHENTICATED: {
    status: 401,
    message: 'Client authentication failed: send HTTP Basic credentials of a client in INTROSPECTION_CLIENTS.',
    when:
      '`POST /auth/introspect` or `POST /auth/revoke` without `Authorization: Basic`, or with an id and ' +
      'secret that are not one of `INTROSPECTION_CLIENTS` (with `WWW-Authenticate: Basic`).',
    clientAction:
      'Send `Authorization: Basic base64(client_id:client_secret)` with the credentials the operator gave your service.',
  },
  INVALID_CREDENTIALS: {
    status: 401,
    message: 'Email or password is incorrect.',
    when: 'Unknown email **or** wrong password: one answer for both, after the same bcrypt work.',
    clientAction:
      'Ask the user to check the email and password; repeated failures on one email end in 429 `RATE_LIMITED`.',
  },
  TOKEN_INVALID: {
    status: 401,
    message: 'The access token is not valid.',
    when:
      'Another scheme than Bearer, no token, garbage, a bad signature, `alg: none` or an algorithm not ' +
      'configured, a missing, mistyped or out-of-range `sub`/`jti`/`sid`/`ver`/`iat`/`exp`, a wrong ' +
      '`iss`/`aud`, or `nbf` in the future; anything but three segments of canonical base64url whose ' +
      'header and payload are UTF-8 JSON objects, or a token over 8 KiB; a header with `crit`, `jku`, ' +
      '`jwk`, `x5u` or `x5c`, or a `typ` other than `JWT`; a `kid` that names no key in use (unknown, ' +
      'retired, or not a string), or an `alg` other than that key\'s (with `WWW-Authenticate: Bearer error="invalid_token"`); ' +
      'a refresh token sent as the access token (the message says so).',
    clientAction: 'Do not retry with this token: get a new pair with `POST /auth/refresh`, or log in again.',
  },
  TOKEN_EXPIRED: {
    status: 401,
    message: 'The access token has expired: get a new one from POST /auth/refresh with your refresh token.',
    when: "The access token's `exp` has passed (beyond `JWT_CLOCK_TOLERANCE_SECONDS`).",
    clientAction: 'Get a new pair with `POST /auth/refresh`, then repeat the request with the new access token.',
  },
  TOKEN_REVOKED: {
    status: 401,
    message: 'The access token has been revoked.',
    when:
      "The token's `jti` is on the blocklist, its session has ended or is not a session of the token's " +
      '`sub`, or the user logged out everywhere after it was issued (also: the loser of concurrent ' +
      'logouts of one token).',
    clientAction: 'Treat the user as logged out: its session is over, so a refresh fails too. Log in again.',
  },
  USER_NOT_FOUND: {
    status: 401,
    message: 'The user of this token no longer exists.',
    when: 'A valid token whose user has been deleted.',
    clientAction: 'Treat the user as logged out; the account no longer exists.',
  },
  REFRESH_TOKEN_INVALID: {
    status: 401,
    message: 'The refresh token is not valid.',
    when:
      'A refresh token that is malformed, unknown, or whose secret does not match; an access token ' +
      'in the refresh cookie (the message says so).',
    clientAction: 'Discard it and log in again (in cookie mode the cookies are cleared).',
  },
  REFRESH_TOKEN_EXPIRED: {
    status: 401,
    message: 'The refresh token has expired; log in again.',
    when: "The refresh token's own expiry, or the session's absolute lifetime, has passed.",
    clientAction: 'Log in again.',
  },
  REFRESH_TOKEN_REVOKED: {
    status: 401,
    message: 'The session of this refresh token has ended; log in again.',
    when: "The refresh token's session was ended (logout, password change, reuse).",
    clientAction: 'Log in again.',
  },
  REFRESH_TOKEN_REUSED: {
    status: 401,
    message: 'This refresh token was already used; its session has been revoked. Log in again.',
    when:
      'A refresh token that was already rotated, presented after the grace window' +
      ' (`REFRESH_GRACE_SECONDS`): its whole session is now revoked.',
    clientAction:
      'Log in again. Unless two copies of the client shared the token, treat it as a sign the refresh token leaked.',
  },
  PASSWORD_INCORRECT: {
    status: 403,
    message: 'The current password is incorrect.',
    when: '`POST /auth/password` with a wrong `current_password`.',
    clientAction:
      'Ask the user for the current password again; repeated failures for one user end in 429 `RATE_LIMITED`.',
  },
  CSRF_TOKEN_INVALID: {
    status: 403,
    message: 'The X-CSRF-Token header is missing or does not match the CSRF cookie.',
    when:
      'A POST or DELETE authenticated by cookie (or a refresh by cookie)' +
      ' without an `X-CSRF-Token` equal to the CSRF cookie.',
    clientAction: "Send the CSRF cookie's value (also returned as `csrf_token`) in the `X-CSRF-Token` header.",
  },
  ADAPTER_SECRET_INVALID: {
    status: 401,
    message: 'The X-Auth-Secret header is missing or wrong.',
    when: 'A request to `/adapter/…` without `X-Auth-Secret`, or with another value than `AUTHJS_ADAPTER_SECRET`.',
    clientAction:
      'Configure the adapter client with the same secret as the server; repeated failures from one IP end in 429 `RATE_LIMITED`.',
  },
  FORBIDDEN: {
    status: 403,
    message: 'Your role does not allow this.',
    when:
      'An `/admin` route above your role (read from the database on every request, not from the token); a ' +
      'moderator acting on a moderator or admin, or changing `role` or `email`; anyone changing their own ' +
      'role, disabling or deleting themselves.',
    clientAction: 'Do not retry: ask an admin. A role change applies on your very next request.',
  },
  USER_DISABLED: {
    status: 403,
    message: 'This account has been disabled.',
    when:
      '`POST /auth/login` with the right password for a disabled user (a wrong one is 401 ' +
      '`INVALID_CREDENTIALS`, so the answer tells nothing without the password); a refresh of a disabled user.',
    clientAction: 'Tell the user the account is suspended; only an admin or moderator can enable it again.',
  },
  NOT_FOUND: {
    status: 404,
    message: 'No such route.',
    when: 'No such route, or no such file under `/docs/`.',
    clientAction: 'Check the method and path against `/openapi.json`.',
  },
  SESSION_NOT_FOUND: {
    status: 404,
    message: 'No such session.',
    when:
      '`DELETE /auth/sessions/:id` for an id that is not one of your live' +
      " sessions: unknown, already ended, or someone else's.",
    clientAction: 'Reload the list with `GET /auth/sessions`; the session may already be over.',
  },
  ADAPTER_USER_NOT_FOUND: {
    status: 404,
    message: 'No user has this id.',
    when:
      '`/adapter`: `updateUser`, `linkAccount`, `createSession`, `updateSession` (moving it) or ' +
      '`createAuthenticator` naming a user id that does not exist (deleted, or never created).',
    clientAction: 'Treat the user as gone: sign the visitor out, or create the user first.',
  },
  AUTHENTICATOR_NOT_FOUND: {
    status: 404,
    message: 'No authenticator has this credential id.',
    when: '`/adapter`: `updateAuthenticatorCounter` for a credential id nobody registered (or whose user was deleted).',
    clientAction: 'Register the passkey again.',
  },
  TARGET_USER_NOT_FOUND: {
    status: 404,
    message: 'No user has this id.',
    when: 'An `/admin/users/:id` route for an id no user has (never existed, or deleted).',
    clientAction: 'Reload the list with `GET /admin/users`; the user may have been deleted.',
  },
  METHOD_NOT_ALLOWED: {
    status: 405,
    message: 'This method is not allowed on this route.',
    when: 'A method the route does not answer; the `Allow` header lists those it does.',
    clientAction: 'Use one of the methods in `Allow`.',
  },
  EMAIL_TAKEN: {
    status: 409,
    message: 'An account with this email already exists.',
    when:
      'The email exists, in any letter case; of concurrent signups with one email exactly one wins. ' +
      'Also `/adapter` `createUser` and `updateUser` with the email of another user.',
    clientAction: 'Log in instead, or sign up with another email.',
  },
  ADAPTER_CONFLICT: {
    status: 409,
    message: 'This record already exists.',
    when:
      '`/adapter`: `linkAccount` of a provider account already linked (to any user), `createSession` ' +
      'with a session token already in use, `createVerificationToken` with an identifier and token ' +
      'already stored, `createAuthenticator` with a credential id already registered.',
    clientAction: 'Use the existing record, or create a fresh token or id.',
  },
  LAST_ADMIN: {
    status: 409,
    message: 'This would leave no enabled admin.',
    when:
      'Demoting, disabling or deleting the last enabled admin; of two admins demoting each other at once, ' +
      'one wins and the other gets this.',
    clientAction: 'Make another user an admin first (`PATCH /admin/users/:id` or `node app --create-admin`).',
  },
  REFRESH_CONFLICT: {
    status: 409,
    message: 'This refresh token was just rotated by a concurrent request; use the tokens that request received.',
    when: 'A concurrent request rotated this refresh token less than `REFRESH_GRACE_SECONDS` ago.',
    clientAction:
      'Use the pair that concurrent request received (in cookie mode its ' +
      'cookies are already set); do not retry with this refresh token.',
  },
  REQUEST_TIMEOUT: {
    status: 408,
    message: 'The request was not received in time.',
    when: "The request did not arrive within Node's request timeout (answered before Koa, same JSON shape).",
    clientAction: 'Send the whole request promptly; it was not processed, so sending it again is safe.',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    message: 'The request body is too large.',
    when: 'A body over 16 KiB.',
    clientAction: 'Send only the documented fields: no valid request is that large.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: 'The request body must be application/json.',
    when:
      'A body that is not `application/json` (nor `application/x-www-form-urlencoded` on `POST /auth/introspect` ' +
      'and `POST /auth/revoke`), or an unknown `Content-Encoding`.',
    clientAction: 'Send JSON with `Content-Type: application/json`, uncompressed or as gzip, deflate or br.',
  },
  RATE_LIMITED: {
    status: 429,
    message: 'Too many attempts; try again after the Retry-After seconds.',
    when:
      'Too many attempts from this client IP, or on this account, in the' +
      ' current window (see [rate limits](rate-limits.md)).',
    clientAction: 'Wait the `Retry-After` seconds before the next attempt.',
  },
  HEADERS_TOO_LARGE: {
    status: 431,
    message: 'The request headers are too large.',
    when: "Headers over Node's 16 KiB limit (answered before Koa).",
    clientAction: 'Send fewer or smaller headers; old cookies are the usual culprit.',
  },
  OIDC_PROVIDER_UNKNOWN: {
    status: 404,
    message: 'No OpenID provider of this name is configured.',
    when: '`/auth/oidc/:provider/…` with a name not in `OIDC_PROVIDERS`.',
    clientAction: 'Use one of the provider names the operator configured; the same request fails the same way again.',
  },
  OIDC_REDIRECT_NOT_ALLOWED: {
    status: 400,
    message: 'redirect_to is not one of the URLs allowed to receive a sign-in result.',
    when: '`GET /auth/oidc/:provider/login` with a `redirect_to` not listed, exactly, in `OIDC_REDIRECT_ALLOWLIST`.',
    clientAction: 'Send a `redirect_to` the operator listed in `OIDC_REDIRECT_ALLOWLIST`, byte for byte.',
  },
  OIDC_STATE_INVALID: {
    status: 400,
    message: 'This sign-in is unknown, expired or already used; start it again.',
    when:
      'The callback came without the binding cookie, with one that is unknown, expired (10 minutes) or already ' +
      'used (a replayed callback), or with a `state` other than the bound one, or for another provider. Without a ' +
      'known binding the answer is this JSON; with one, a redirect to `redirect_to?error=OIDC_STATE_INVALID`.',
    clientAction: 'Start the sign-in again at `GET /auth/oidc/:provider/login`, in the same browser.',
  },
  OIDC_NONCE_INVALID: {
    status: 400,
    message: 'The ID token was not issued for this sign-in (nonce mismatch).',
    when: "The provider's ID token carries another `nonce` than the one bound to this sign-in (sent as `?error=`).",
    clientAction: 'Start the sign-in again; if it persists, the provider or something between is misbehaving.',
  },
  OIDC_ID_TOKEN_INVALID: {
    status: 502,
    message: "The provider's ID token is not valid.",
    when:
      "The provider's ID token fails validation: signature, issuer, audience, expiry, or a missing `sub` (sent as " +
      '`?error=`).',
    clientAction: 'Start the sign-in again later; if it persists, the operator should check the provider.',
  },
  OIDC_ACCESS_DENIED: {
    status: 403,
    message: 'The sign-in was refused.',
    when:
      'The provider answered `error=access_denied` (the user cancelled or was refused there), or the user this ' +
      'identity belongs to is disabled (sent as `?error=`).',
    clientAction: 'Tell the user the sign-in did not happen; they may try again.',
  },
  OIDC_PROVIDER_ERROR: {
    status: 502,
    message: 'The OpenID provider answered with an error.',
    when:
      'Any other error from the provider, at its authorization or token endpoint (sent as `?error=`, with the ' +
      "provider's `error` value as `details`), or an identity without a usable email.",
    clientAction: 'Start the sign-in again later; `details` says what the provider reported.',
  },
  OIDC_EMAIL_UNVERIFIED: {
    status: 403,
    message: 'The provider does not vouch for this email.',
    when:
      'A first sign-in with this provider identity without `email_verified: true` from the provider: nothing ' +
      'is linked or created (sent as `?error=`).',
    clientAction: 'Verify the email at the provider first, or sign up with a password.',
  },
  OIDC_ACCOUNT_UNVERIFIED: {
    status: 403,
    message: 'An account with this email exists, but its email was never verified.',
    when:
      'A first sign-in with this provider identity, whose verified email belongs to a user who never verified ' +
      'it: nothing is linked (sent as `?error=`).',
    clientAction:
      'Sign in with the password and verify the email, or reset the password (the reset link proves the ' +
      'address); then sign in with the provider again.',
  },
  OIDC_PROVIDER_UNAVAILABLE: {
    status: 503,
    message: 'The OpenID provider cannot be reached; try again later.',
    when:
      "The provider's discovery document could not be fetched (retried with backoff), or the provider did not " +
      'answer during the callback (then sent as `?error=`).',
    clientAction: 'Retry later with backoff.',
  },
  OIDC_CODE_INVALID: {
    status: 401,
    message: 'The sign-in code is unknown, expired or already used.',
    when:
      '`POST /auth/oidc/exchange` with a code that was never issued, is over 60 seconds old, was already ' +
      'exchanged, or whose user was disabled or deleted since; or with a code_verifier that is not the one ' +
      'of the code_challenge this sign-in started with (a code that reached another browser).',
    clientAction:
      'Start the sign-in again; exchange the code as soon as the front end receives it, with the verifier it kept.',
  },
  ACCOUNT_NOT_FOUND: {
    status: 404,
    message: 'No account at this provider is linked to your user.',
    when: '`DELETE /auth/accounts/:provider` for a provider with no account linked to the caller.',
    clientAction: 'Reload the list with `GET /auth/accounts`.',
  },
  LAST_SIGN_IN_METHOD: {
    status: 409,
    message: 'This is your only way to sign in: set a password or link another provider first.',
    when: '`DELETE /auth/accounts/:provider` that would leave the user with no password and no linked provider.',
    clientAction: 'Link another provider (or have a password set) before unlinking this one.',
  },
  INTERNAL_ERROR: {
    status: 500,
    message: 'Something went wrong on our side.',
    when: 'A bug. The body never says more; the cause is logged with the request id.',
    clientAction: 'Retry later; if it persists, report the `X-Request-Id` of the response.',
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    message: 'The service is temporarily unavailable.',
    when:
      'MySQL refused, timed out or dropped the connection; for `GET /health/ready` also a pending ' +
      'migration (`details` names the failed check); with `Retry-After: 1`, concurrent changes to ' +
      'one user that still deadlocked after the server retried them.',
    clientAction:
      'Retry later with backoff (after `Retry-After` seconds when sent); `GET /health/ready` says when ' +
      'the server is ready again.',
  },
  MAIL_UNAVAILABLE: {
    status: 503,
    message: 'This server cannot send mail: password reset and email verification are unavailable.',
    when:
      '`POST /auth/password/forgot` or `POST /auth/email/verify/request` on a production server without ' +
      '`SMTP_URL` (it logged a warning at startup): a reset mail is never silently dropped.',
    clientAction: 'Tell the operator; retrying does not help until they set `SMTP_URL`.',
  },
} as const satisfies Record<string, ErrorEntry>;

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
  /** UNSUPPORTED_MEDIA_TYPE on the routes that also read forms (introspection, revocation). */
  formOrJsonBody: 'The request body must be application/x-www-form-urlencoded or application/json.',
  /** INVALID_JSON for a body whose bytes are not UTF-8 (RFC 8259 §8.1). */
  bodyNotUtf8: 'The request body is not valid JSON: it must be UTF-8.',
  /** BAD_REQUEST for a form body whose bytes are not UTF-8. */
  formNotUtf8: 'The request body must be UTF-8 (percent-encode any other byte).',
  /** BAD_REQUEST for an X-Auth-Transport other than "cookie". */
  authTransportInvalid: 'X-Auth-Transport must be "cookie" or absent.',
  /** BAD_REQUEST for an HTTP/1.1 request without Host (RFC 9112 §3.2). */
  hostMissing: 'An HTTP/1.1 request must carry a Host header.',
  /** BAD_REQUEST for a Host that is not host[:port] (RFC 9112 §3.2). */
  hostInvalid: 'The Host header must be a host name or address with an optional :port.',
  /** BAD_REQUEST for a header the server reads as one value, sent on several lines. */
  headerRepeated: (name: string) => `The ${name} header must be sent once, not on several lines.`,
} as const;
