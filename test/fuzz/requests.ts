import fc from 'fast-check';
import { anyBody, jsonBody, unreadableBody, type FuzzBody } from './bodies';
import type { FuzzRequest } from './client';
import type { RouteProfile } from './profiles';
import { concretePath, PARSEABLE_METHODS, unknownPath, type Route } from './routes';
import { hostileHeaders } from './headers';
import { anyAuthorization, invalidAuthorization, VALID_TOKEN, type Identity } from './tokens';
import { hostileJson, hostileString, malformed, objectText, POLLUTION_KEYS } from './values';

/** Anything at all, at a real route (with any method) or a made-up one. */
export function anyRequest(
  profiles: readonly RouteProfile[],
  routes: readonly Route[],
  identity: Identity,
): fc.Arbitrary<FuzzRequest> {
  const atRoute = fc.constantFrom(...profiles).chain((profile) =>
    fc.record({
      method: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...profile.route.methods) },
        fc.constantFrom(...PARSEABLE_METHODS),
      ),
      path: concretePath(profile.route),
      authorization: anyAuthorization(identity),
      headers: hostileHeaders,
      body: anyBody(profile.requiredFields),
    }),
  );
  const elsewhere = fc.record({
    method: fc.constantFrom(...PARSEABLE_METHODS),
    path: unknownPath(routes),
    authorization: anyAuthorization(identity),
    headers: hostileHeaders,
    body: anyBody([]),
  });
  return fc.oneof({ weight: 5, arbitrary: atRoute }, elsewhere);
}

/** Objects with every required field, one of them (maybe repeated, the last one counting) refused. */
function wrongTypeBody(profile: RouteProfile): fc.Arbitrary<string> {
  const fields = Object.entries(profile.refusedValues).filter(([, refused]) => refused.length > 0);
  return fc
    .constantFrom(...fields)
    .chain(([field, refused]) =>
      fc
        .tuple(
          fc.tuple(...profile.requiredFields.map((name) => fc.tuple(fc.constant(name), hostileJson))),
          fc.oneof(...refused.map((sample) => sameKind(sample))),
          fc.option(hostileString),
        )
        .map(([entries, wrong, earlier]) =>
          objectText([
            ...entries
              .filter(([name]) => name !== field)
              .map(([name, value]) => [name, JSON.stringify(value)] as const),
            ...(earlier === null ? [] : [[field, JSON.stringify(earlier)] as const]),
            [field, JSON.stringify(wrong)],
          ]),
        ),
    );
}

/** Random JSON values of the same kind as `sample`. */
function sameKind(sample: unknown): fc.Arbitrary<unknown> {
  if (typeof sample === 'number') return fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
  if (typeof sample === 'boolean') return fc.boolean();
  if (sample === null) return fc.constant(null);
  if (Array.isArray(sample)) return fc.array(hostileJson, { maxLength: 4 });
  return fc.dictionary(fc.string({ maxLength: 10 }), hostileJson, { maxKeys: 4 });
}

/** Bodies `profile`'s route must refuse, each for a reason built in. */
function invalidBody(profile: RouteProfile): fc.Arbitrary<FuzzBody> {
  const notAnObject = hostileJson.filter(
    (value) => typeof value !== 'object' || value === null || Array.isArray(value),
  );
  const unknownKey = fc
    .tuple(
      fc.oneof(
        fc.constantFrom(...POLLUTION_KEYS),
        fc.string({ maxLength: 20 }).map((name) => `fuzz_${name}`),
      ),
      hostileJson,
    )
    .map(([key, value]) => objectText([[key, JSON.stringify(value)]]));
  const payloads = [
    notAnObject.map((value) => JSON.stringify(value)),
    malformed(hostileJson.map((value) => JSON.stringify(value))),
    ...(profile.rejectsUnknownKeys ? [unknownKey] : []),
    ...(Object.values(profile.refusedValues).some((refused) => refused.length > 0) ? [wrongTypeBody(profile)] : []),
  ];
  return fc.oneof(jsonBody(fc.oneof(...payloads)), unreadableBody);
}

/** Requests that must be refused: unknown path, wrong method, bad credentials or a bad body. */
export function invalidRequest(
  profiles: readonly RouteProfile[],
  routes: readonly Route[],
  identity: Identity,
): fc.Arbitrary<FuzzRequest> {
  const answered = (method: string, path: string) =>
    routes.some((route) => route.matches(path) && route.methods.includes(method));
  const unknown = fc.record({
    method: fc.constantFrom(...PARSEABLE_METHODS.filter((method) => method !== 'OPTIONS')),
    path: unknownPath(routes),
    authorization: fc.oneof(invalidAuthorization(identity), fc.constant(VALID_TOKEN)),
    headers: hostileHeaders,
    body: anyBody([]),
  });
  const wrongMethod = fc
    .constantFrom(...profiles)
    .chain((profile) =>
      fc.record({
        method: fc.constantFrom(...PARSEABLE_METHODS.filter((method) => method !== 'OPTIONS')),
        path: concretePath(profile.route),
        authorization: fc.oneof(invalidAuthorization(identity), fc.constant(VALID_TOKEN)),
        headers: hostileHeaders,
        body: anyBody(profile.requiredFields),
      }),
    )
    .filter((request) => !answered(request.method, request.path));
  const protectedProfiles = profiles.filter((profile) => profile.isProtected);
  const badCredentials = fc.constantFrom(...protectedProfiles).chain((profile) =>
    fc.record({
      method: fc.constant(profile.method),
      path: concretePath(profile.route),
      authorization: invalidAuthorization(identity),
      headers: hostileHeaders,
      body: anyBody(profile.requiredFields),
    }),
  );
  const bodyProfiles = profiles.filter((profile) => profile.takesBody);
  const badBody = fc.constantFrom(...bodyProfiles).chain((profile) =>
    fc.record({
      method: fc.constant(profile.method),
      path: concretePath(profile.route),
      authorization: profile.isProtected
        ? fc.constant(VALID_TOKEN)
        : profile.clientCredentials === null
          ? invalidAuthorization(identity)
          : fc.constant(profile.clientCredentials),
      headers: hostileHeaders,
      body: invalidBody(profile),
    }),
  );
  return fc.oneof(unknown, wrongMethod, badCredentials, { weight: 3, arbitrary: badBody });
}
