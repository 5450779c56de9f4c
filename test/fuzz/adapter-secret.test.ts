import { expect } from 'chai';
import fc from 'fast-check';
import { ADAPTER_SECRET } from '../support/config';
import { databaseSnapshot, fuzzParameters, timeoutFor } from './client';
import type { RouteProfile } from './profiles';
import { useFuzzTarget } from './target';
import supertest from 'supertest';

const RUNS = 200;

/** X-Auth-Secret values a guesser sends: near misses of the secret, and anything at all. */
const wrongSecret = fc
  .oneof(
    fc.string({ maxLength: 100 }),
    fc.constantFrom(ADAPTER_SECRET.slice(1), `${ADAPTER_SECRET}=`, ADAPTER_SECRET.toUpperCase(), ''),
    fc.nat(ADAPTER_SECRET.length - 1).map((at) => `${ADAPTER_SECRET.slice(0, at)}x${ADAPTER_SECRET.slice(at + 1)}`),
  )
  // HTTP drops the whitespace around a field value: `<secret> ` arrives as the secret itself.
  .filter((value) => value.trim() !== ADAPTER_SECRET && /^[\t\x20-\x7e]*$/.test(value));

describe('Fuzzing: /adapter with any X-Auth-Secret but the secret', () => {
  const fuzzTarget = useFuzzTarget();

  it('answers 401 ADAPTER_SECRET_INVALID on every adapter route and writes nothing', async function () {
    this.timeout(timeoutFor(RUNS));
    const target = fuzzTarget();
    const adapterProfiles = target.profiles.filter((profile) => profile.path.startsWith('/adapter/'));
    expect(adapterProfiles.length).to.be.at.least(20);
    const property = fc.asyncProperty(
      fc.tuple(fc.constantFrom(...adapterProfiles), wrongSecret),
      async ([profile, secret]) => {
        const before = await databaseSnapshot();
        const response = await new supertest.Test(target.server, profile.method, profile.path)
          .set('X-Auth-Secret', secret)
          .send({
            email: 'fuzz@example.com',
            id: '1',
            sessionToken: 'x',
            userId: '1',
            expires: new Date().toISOString(),
          })
          .ok(() => true);
        const label = `${profile.method} ${profile.path} X-Auth-Secret: ${JSON.stringify(secret)}`;
        expect(response.status, label).to.equal(401);
        expect(response.body.error.code, label).to.equal('ADAPTER_SECRET_INVALID');
        expect(await databaseSnapshot(), label).to.equal(before);
      },
    );
    await fc.assert(property, fuzzParameters<[RouteProfile, string]>(RUNS));
  });
});
