import type { Server } from 'node:http';
import { basicAuth, TEST_CLIENT } from '../support/config';
import { loggedInUser } from '../support/factories';
import { send, type FuzzRequest } from './client';
import { type Route } from './routes';

/** What probing found out about one method of one route. */
export interface RouteProfile {
  route: Route;
  method: string;
  /** A concrete path for probing (params filled with a harmless value). */
  path: string;
  /** Answers 401 without an Authorization header, asking for a Bearer token. */
  isProtected: boolean;
  /**
   * The Authorization header of an introspection client, for a route that answers 401 with
   * `WWW-Authenticate: Basic` without one (POST /auth/introspect, /auth/revoke); null for others.
   */
  clientCredentials: string | null;
  /** Parses a JSON body (answers 400 INVALID_JSON to a broken one). */
  takesBody: boolean;
  /** Fields reported missing for `{}`. */
  requiredFields: string[];
  /** A body with an unknown key is refused. */
  rejectsUnknownKeys: boolean;
  /** For each required field, JSON values of the kinds its schema refuses. */
  refusedValues: Record<string, unknown[]>;
}

/** One sample per JSON kind: a field refusing a sample is fuzzed with other values of its kind. */
export const KIND_SAMPLES: readonly unknown[] = [0, true, null, [], {}];

const UNKNOWN_KEY = 'fuzz_unknown_key';

function probeRequest(profile: RouteProfile, authorization: string | null, payload: string | null): FuzzRequest {
  return {
    method: profile.method,
    path: profile.path,
    authorization,
    headers: {},
    body:
      payload === null ? null : { contentType: 'application/json', contentEncoding: null, compress: false, payload },
  };
}

function detailFields(text: string): string[] {
  const body = JSON.parse(text) as { error?: { code?: string; details?: { field: string; message: string }[] } };
  return body.error?.code === 'VALIDATION_FAILED' ? (body.error.details ?? []).map((detail) => detail.field) : [];
}

/**
 * Asks the app itself what each route needs: protection, a body, required fields, refused kinds.
 * Each route gets a fresh user, since a probe may succeed: `{}` does when nothing is required (an
 * empty logout logs out), and then no probe follows it.
 */
export async function profileRoutes(server: Server, routes: readonly Route[]): Promise<RouteProfile[]> {
  const profiles: RouteProfile[] = [];
  for (const route of routes) {
    for (const method of route.methods.filter((name) => name !== 'HEAD' && name !== 'OPTIONS')) {
      const { accessToken } = await loggedInUser();
      const probe = (auth: string | null, payload: string | null) =>
        send(server, probeRequest(profile, auth, payload), accessToken);
      const profile: RouteProfile = {
        route,
        method,
        path: route.pattern.replace(/:\w+/g, 'probe'),
        isProtected: false,
        clientCredentials: null,
        takesBody: false,
        requiredFields: [],
        rejectsUnknownKeys: false,
        refusedValues: {},
      };
      const anonymous = await probe(null, null);
      const asksForClient = anonymous.status === 401 && anonymous.wwwAuthenticate.startsWith('Basic');
      profile.isProtected = anonymous.status === 401 && !asksForClient;
      profile.clientCredentials = asksForClient ? basicAuth(TEST_CLIENT.id, TEST_CLIENT.secret) : null;
      const auth = profile.isProtected ? `Bearer ${accessToken}` : profile.clientCredentials;
      // The error code itself, not the text: /openapi.json lists every code, INVALID_JSON included.
      const broken = await probe(auth, '{');
      profile.takesBody = broken.status === 400 && broken.text.includes('"code":"INVALID_JSON"');
      if (profile.takesBody) {
        profile.rejectsUnknownKeys = detailFields((await probe(auth, `{"${UNKNOWN_KEY}":1}`)).text).includes(
          UNKNOWN_KEY,
        );
        profile.requiredFields = detailFields((await probe(auth, '{}')).text);
        for (const field of profile.requiredFields) {
          const refused: unknown[] = [];
          for (const sample of KIND_SAMPLES) {
            const fields = detailFields((await probe(auth, JSON.stringify({ [field]: sample }))).text);
            if (fields.includes(field)) refused.push(sample);
          }
          profile.refusedValues[field] = refused;
        }
      }
      profiles.push(profile);
    }
  }
  return profiles;
}
