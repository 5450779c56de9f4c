import { expect } from 'chai';
import fc from 'fast-check';
import { databaseSnapshot, expectWellFormed, fuzzParameters, send, timeoutFor } from './client';
import { invalidRequest } from './requests';
import { useFuzzTarget } from './target';

const RUNS = 1000;

describe('Fuzzing: invalid requests', () => {
  const fuzzTarget = useFuzzTarget();

  it('finds every route in the routers and learns what each one needs', () => {
    const target = fuzzTarget();
    const byName = new Map(target.profiles.map((profile) => [`${profile.method} ${profile.route.pattern}`, profile]));
    expect(byName.get('POST /auth/signup')?.requiredFields).to.have.members(['email', 'password', 'name']);
    expect(byName.get('POST /auth/signup')?.refusedValues.email).to.have.lengthOf(5);
    expect(byName.get('POST /auth/logout')).to.include({
      isProtected: true,
      takesBody: true,
      rejectsUnknownKeys: true,
    });
    expect(byName.get('DELETE /auth/sessions/:id')).to.include({ isProtected: true, takesBody: false });
    expect(byName.get('GET /health/live')).to.include({ isProtected: false, takesBody: false });
    expect(byName.get('POST /auth/password/forgot')?.requiredFields).to.deep.equal(['email']);
    expect(byName.get('POST /auth/password/reset')?.requiredFields).to.have.members(['token', 'new_password']);
    expect(byName.get('POST /auth/email/verify')).to.include({ isProtected: false, takesBody: true });
    expect(byName.get('POST /auth/email/verify/request')).to.include({ isProtected: true, takesBody: false });
    for (const clientRoute of ['POST /auth/introspect', 'POST /auth/revoke']) {
      expect(byName.get(clientRoute), clientRoute).to.include({ isProtected: false, takesBody: true });
      expect(byName.get(clientRoute)?.clientCredentials, clientRoute).to.match(/^Basic /);
      expect(byName.get(clientRoute)?.requiredFields, clientRoute).to.deep.equal(['token']);
    }
  });

  it('refuses each with a 4xx catalogue error, never a 2xx, and writes nothing', async function () {
    this.timeout(timeoutFor(RUNS));
    const target = fuzzTarget();
    const property = fc.asyncProperty(
      invalidRequest(target.profiles, target.routes, target.identity),
      async (request) => {
        const before = await databaseSnapshot();
        const response = await send(target.server, request, target.accessToken);
        expectWellFormed(request, response);
        const label = `${request.method} ${request.path} -> ${response.status} ${response.text.slice(0, 300)}`;
        expect(response.status, label).to.be.within(400, 499);
        expect(await databaseSnapshot(), label).to.equal(before);
      },
    );
    await fc.assert(property, fuzzParameters(RUNS));
  });
});
