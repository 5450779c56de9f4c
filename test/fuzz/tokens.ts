import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import jwt from 'jsonwebtoken';
import { TEST_SECRET } from '../support/config';
import { headerText, compactJson } from './values';

/** Stands for the fuzz user's real access token; the client swaps it in when sending. */
export const VALID_TOKEN = 'Bearer <valid access token>';

export interface Identity {
  userId: number;
  sessionId: string;
  /** Another signed-in user: the fuzz user's tokens must not borrow its live session, nor it theirs. */
  bystander: { userId: number; sessionId: string };
}

/** What the server must answer a malformed token with: anything unreadable is TOKEN_INVALID. */
export type RefusalCode = 'TOKEN_INVALID' | 'TOKEN_REVOKED';

const base64url = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');
const tokenText = fc.string({
  unit: fc.constantFrom(...Array.from('ABCxyz0189-_.+/=~')),
  maxLength: 600,
});

/** Header and payload segments (any text) with the signature the real secret or a given one gives them. */
function signSegments(headerSegment: string, payloadSegment: string, secret = TEST_SECRET, hash = 'sha256'): string {
  const unsigned = `${headerSegment}.${payloadSegment}`;
  return `${unsigned}.${createHmac(hash, secret).update(unsigned).digest('base64url')}`;
}

/** A JWT with any header and payload text, signed with the real secret or a given one. */
function signText(headerJson: string, payloadJson: string, secret: string = TEST_SECRET, hash = 'sha256'): string {
  return signSegments(base64url(headerJson), base64url(payloadJson), secret, hash);
}

/** The claims the server issues for `identity`: valid until something below breaks them. */
function claimsFor({ userId, sessionId }: Pick<Identity, 'userId' | 'sessionId'>): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: String(userId),
    jti: randomBytes(16).toString('base64url'),
    iat: now,
    exp: now + 600,
    sid: sessionId,
    ver: 0,
  };
}

/** For each claim, values the server must refuse (a wrong type, shape or range). */
const BROKEN_CLAIMS: Record<string, fc.Arbitrary<unknown>> = {
  sub: compactJson.filter((value) => !(typeof value === 'string' && /^[1-9][0-9]{0,15}$/.test(value))),
  jti: compactJson.filter((value) => !(typeof value === 'string' && value.length > 0 && value.length <= 255)),
  iat: compactJson.filter((value) => !Number.isInteger(value)),
  exp: fc.oneof(
    compactJson.filter((value) => !Number.isInteger(value)),
    fc.integer({ min: -1e9, max: Math.floor(Date.now() / 1000) - 3600 }),
  ),
  sid: fc.oneof(
    compactJson.filter((value) => !(typeof value === 'string' && /^[A-Za-z0-9_-]{1,32}$/.test(value))),
    fc.constant(randomBytes(16).toString('base64url')),
  ),
  ver: compactJson.filter((value) => !(typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)),
};

const HS256_JWT = '{"alg":"HS256","typ":"JWT"}';
const anyBytes = (maxLength: number) => fc.uint8Array({ maxLength }).map((bytes) => Buffer.from(bytes));
const isPlainObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);
/** Header parameters the server refuses whatever their value (RFC 7515 §4.1.11, RFC 8725 §3.10). */
const REFUSED_HEADER_PARAMETERS = ['crit', 'jku', 'jwk', 'x5u', 'x5c'];

/**
 * Tokens that are not a valid signed JSON object of the right claims, most of them signed with the
 * real secret so that only their defect can refuse them, each with the answer the server owes.
 */
export function malformedToken(identity: Identity): fc.Arbitrary<readonly [string, RefusalCode]> {
  const validJson = () => JSON.stringify(claimsFor(identity));
  const invalid = (token: fc.Arbitrary<string>) => token.map((text) => [text, 'TOKEN_INVALID'] as const);
  const randomSegment = fc.tuple(fc.nat(2), anyBytes(300)).map(([index, bytes]) => {
    const segments = [base64url(HS256_JWT), base64url(validJson())];
    if (index === 2) return `${segments.join('.')}.${bytes.toString('base64url')}`;
    segments[index] = bytes.toString('base64url');
    return signSegments(segments[0] ?? '', segments[1] ?? '');
  });
  const strangeSegment = fc.tuple(fc.nat(1), tokenText).map(([index, text]) => {
    const segments = [base64url(HS256_JWT), base64url(validJson())];
    segments[index] = text.replaceAll('.', '');
    return signSegments(segments[0] ?? '', segments[1] ?? '');
  });
  const truncated = fc.tuple(fc.boolean(), fc.nat()).map(([inHeader, at]) => {
    const payload = validJson();
    return inHeader
      ? signText(HS256_JWT.slice(0, at % HS256_JWT.length), payload)
      : signText(HS256_JWT, payload.slice(0, at % payload.length));
  });
  const notAnObject = compactJson.filter((value) => !isPlainObject(value)).map((value) => JSON.stringify(value));
  const nonObject = fc
    .tuple(fc.boolean(), notAnObject)
    .map(([inHeader, text]) => (inHeader ? signText(text, validJson()) : signText(HS256_JWT, text)));
  const notUtf8 = fc.tuple(fc.nat(), fc.integer({ min: 0x80, max: 0xff })).map(([at, byte]) => {
    const payload = Buffer.from(validJson());
    const cut = at % payload.length;
    const broken = Buffer.concat([payload.subarray(0, cut), Buffer.from([byte]), payload.subarray(cut)]);
    return signSegments(base64url(HS256_JWT), broken.toString('base64url'));
  });
  const byteOrderMark = fc.constant(null).map(() => signText(HS256_JWT, `\ufeff${validJson()}`));
  const refusedHeader = fc
    .tuple(fc.constantFrom(...REFUSED_HEADER_PARAMETERS), compactJson, fc.boolean())
    .map(([name, value, typed]) =>
      signText(JSON.stringify({ alg: 'HS256', ...(typed ? { typ: 'JWT' } : {}), [name]: value }), validJson()),
    );
  const unencodedPayload = fc
    .constant(null)
    .map(() => signText('{"alg":"HS256","b64":false,"crit":["b64"]}', validJson()));
  const otherType = compactJson
    .filter((value) => value !== 'JWT')
    .map((typ) => signText(JSON.stringify({ alg: 'HS256', typ }), validJson()));
  const segmentCount = fc
    .tuple(fc.integer({ min: -2, max: 3 }), fc.array(tokenText, { minLength: 3, maxLength: 3 }))
    .map(([change, extras]) => {
      const token = signText(HS256_JWT, validJson());
      if (change < 0)
        return token
          .split('.')
          .slice(0, 3 + change)
          .join('.');
      return [token, ...extras.slice(0, change).map((text) => text.replaceAll('.', ''))].join('.');
    })
    .filter((token) => token.split('.').length !== 3);
  const huge = fc
    .integer({ min: 6200, max: 9000 })
    .map((length) => signText(HS256_JWT, JSON.stringify({ ...claimsFor(identity), padding: 'x'.repeat(length) })));
  // A live session of one user named by a token of another: refused like an ended session.
  const borrowedSession = fc.boolean().map((asBystander) => {
    const claims = asBystander
      ? claimsFor({ userId: identity.bystander.userId, sessionId: identity.sessionId })
      : claimsFor({ userId: identity.userId, sessionId: identity.bystander.sessionId });
    return [signText(HS256_JWT, JSON.stringify(claims)), 'TOKEN_REVOKED'] as const;
  });
  return fc.oneof(
    invalid(randomSegment),
    invalid(strangeSegment),
    invalid(truncated),
    invalid(nonObject),
    invalid(notUtf8),
    invalid(byteOrderMark),
    invalid(refusedHeader),
    invalid(unencodedPayload),
    invalid(otherType),
    invalid(segmentCount),
    invalid(huge),
    borrowedSession,
  );
}

/** Authorization headers that must never authenticate anyone (null: no header at all). */
export function invalidAuthorization(identity: Identity): fc.Arbitrary<string | null> {
  const brokenClaim = fc.tuple(fc.constantFrom(...Object.keys(BROKEN_CLAIMS)), fc.boolean()).chain(([claim, remove]) =>
    (BROKEN_CLAIMS[claim] ?? fc.constant(null)).map((value) => {
      const claims = Object.entries(claimsFor(identity)).filter(([name]) => name !== claim);
      return Object.fromEntries(remove ? claims : [...claims, [claim, value]]);
    }),
  );
  const valid = () => JSON.stringify(claimsFor(identity));
  const token = fc.oneof(
    tokenText,
    headerText(300).map((text) => text.replaceAll(' ', '')),
    brokenClaim.map((claims) => signText('{"alg":"HS256","typ":"JWT"}', JSON.stringify(claims))),
    fc.constant(null).map(() => `${base64url('{"alg":"none","typ":"JWT"}')}.${base64url(valid())}.`),
    fc
      .constantFrom('HS384', 'HS512')
      .map((alg) => signText(`{"alg":"${alg}"}`, valid(), TEST_SECRET, `sha${alg.slice(2)}`)),
    fc.string({ minLength: 1 }).map((secret) => signText('{"alg":"HS256"}', valid(), `${TEST_SECRET}${secret}`)),
    compactJson.map((payload) => signText('{"alg":"HS256"}', JSON.stringify(payload))),
    compactJson.map((header) => signText(JSON.stringify(header), valid())),
    fc.nat(40).map((at) => {
      const real = jwt.sign(claimsFor(identity), TEST_SECRET, { algorithm: 'HS256', noTimestamp: true });
      const index = real.lastIndexOf('.') + 1 + (at % 40);
      return `${real.slice(0, index)}${real[index] === 'A' ? 'B' : 'A'}${real.slice(index + 1)}`;
    }),
    malformedToken(identity).map(([token]) => token),
  );
  return fc.oneof(
    fc.constant(null),
    headerText(400),
    fc
      .tuple(fc.constantFrom('Bearer ', 'bearer ', 'BEARER  ', 'Bearer', 'Basic ', 'Token ', ''), token)
      .map(([scheme, value]) => `${scheme}${value}`),
  );
}

/** Anything at all: invalid headers, the real token, or correctly signed tokens with any claims. */
export function anyAuthorization(identity: Identity): fc.Arbitrary<string | null> {
  const anyClaims = fc.dictionary(fc.constantFrom('sub', 'jti', 'iat', 'exp', 'sid', 'ver', 'nbf', 'aud'), compactJson);
  const extremeClaims = fc
    .record({ exp: fc.constantFrom(1e300, 2 ** 53, 253402300800), iat: fc.constantFrom(0, 1e300, -1), ver: fc.nat() })
    .map((extreme) => ({ ...claimsFor(identity), ...extreme }));
  return fc.oneof(
    invalidAuthorization(identity),
    fc.constant(VALID_TOKEN),
    fc
      .oneof(anyClaims, extremeClaims)
      .map((claims) => `Bearer ${signText('{"alg":"HS256","typ":"JWT"}', JSON.stringify(claims))}`),
  );
}
