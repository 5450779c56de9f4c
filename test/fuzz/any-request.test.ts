import { expect } from 'chai';
import fc from 'fast-check';
import { databaseSnapshot, expectWellFormed, fuzzParameters, send, timeoutFor } from './client';
import { anyRequest } from './requests';
import { useFuzzTarget } from './target';
import { POLLUTION_MARKER } from './values';

const RUNS = 800;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

describe('Fuzzing: any request to any route', () => {
  const prototypeNames = Object.getOwnPropertyNames(Object.prototype);
  const fuzzTarget = useFuzzTarget();

  it('never answers 5xx, answers errors as catalogue JSON, and writes nothing when it refuses', async function () {
    this.timeout(timeoutFor(RUNS));
    const target = fuzzTarget();
    const property = fc.asyncProperty(anyRequest(target.profiles, target.routes, target.identity), async (request) => {
      const before = await databaseSnapshot();
      const response = await send(target.server, request, target.accessToken);
      expectWellFormed(request, response);
      const succeeded = response.status < 300;
      if (!succeeded || SAFE_METHODS.has(request.method)) {
        expect(await databaseSnapshot(), `${request.method} ${request.path} -> ${response.status}`).to.equal(before);
      } else {
        // It may have logged the fuzz user out or changed its password: start afresh.
        await target.renewUser();
      }
    });
    await fc.assert(property, fuzzParameters(RUNS));
  });

  it('leaves Object.prototype and Array.prototype unpolluted', () => {
    expect(Object.getOwnPropertyNames(Object.prototype)).to.deep.equal(prototypeNames);
    expect(({} as Record<string, unknown>)[POLLUTION_MARKER]).to.equal(undefined);
    expect(([] as unknown as Record<string, unknown>)[POLLUTION_MARKER]).to.equal(undefined);
  });
});
