import { expect } from 'chai';
import fc from 'fast-check';
import { ERRORS } from '../../src/errors/catalogue';
import { databaseSnapshot, expectWellFormed, fuzzParameters, send, timeoutFor, type FuzzRequest } from './client';
import { concretePath } from './routes';
import { useFuzzTarget } from './target';
import { malformedToken } from './tokens';

const RUNS = 600;
/** The access cookie's name in the fuzz target's cookie mode (Secure, no COOKIE_DOMAIN). */
const ACCESS_COOKIE = '__Host-access_token';

describe('Fuzzing: malformed access tokens', () => {
  const fuzzTarget = useFuzzTarget();

  it('answers each on every protected route with 401, its catalogue code and WWW-Authenticate, writing nothing', async function () {
    this.timeout(timeoutFor(RUNS));
    const target = fuzzTarget();
    const protectedProfiles = target.profiles.filter((profile) => profile.isProtected);
    // A cookie on an unsafe method needs the CSRF token first (403): cookies go to safe methods only.
    const attempt = fc.tuple(
      fc
        .constantFrom(...protectedProfiles)
        .chain((profile) => fc.tuple(fc.constant(profile), concretePath(profile.route), fc.boolean())),
      malformedToken(target.identity),
    );
    const property = fc.asyncProperty(attempt, async ([[profile, path, asCookie], [token, code]]) => {
      const inCookie = asCookie && profile.method === 'GET';
      const request: FuzzRequest = {
        method: profile.method,
        path,
        authorization: inCookie ? null : `Bearer ${token}`,
        headers: inCookie ? { Cookie: `${ACCESS_COOKIE}=${token}` } : {},
        body: null,
      };
      const before = await databaseSnapshot();
      const response = await send(target.server, request, target.accessToken);
      const label = `${request.method} ${request.path} ${inCookie ? 'cookie' : 'bearer'} ${token.slice(0, 200)} -> ${response.status} ${response.text.slice(0, 200)}`;
      expectWellFormed(request, response);
      expect(response.status, label).to.equal(ERRORS[code].status);
      expect((JSON.parse(response.text) as { error: { code: string } }).error.code, label).to.equal(code);
      expect(response.wwwAuthenticate, label).to.equal('Bearer error="invalid_token"');
      expect(await databaseSnapshot(), label).to.equal(before);
    });
    await fc.assert(property, fuzzParameters(RUNS));
  });
});
