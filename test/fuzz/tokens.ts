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
}

const base64url = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');
const tokenText = fc.string({
  unit: fc.constantFrom(...Array.from('ABCxyz0189-_.+/=~')),
  maxLength: 600,
});

/** A JWT with any header and payload text, signed with the real secret or a given one. */
function signText(headerJson: string, payloadJson: string, secret: string = TEST_SECRET, hash = 'sha256'): string {
  const unsigned = `${base64url(headerJson)}.${base64url(payloadJson)}`;
  return `${unsigned}.${createHmac(hash, secret).update(unsigned).digest('base64url')}`;
}

/** The claims the server issues for `identity`: valid until something below breaks them. */
function claimsFor({ userId, sessionId }: Identity): Record<string, unknown> {
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
