import fc from 'fast-check';
import { JSON_TYPES } from './bodies';
import type { RouteProfile } from './profiles';
import { concretePath } from './routes';
import { FUZZ_ORIGIN } from './target';
import { VALID_TOKEN } from './tokens';
import { headerText, hostileJson } from './values';

/**
 * Requests as bytes, for what supertest cannot send: a header on several lines, no Host, an odd
 * Host, an empty body under any Content-Type, a Content-Length that does not match the body.
 */
export interface RawFuzzRequest {
  method: string;
  path: string;
  version: '1.1' | '1.0';
  /** In order, repeats allowed; VALID_TOKEN as a value stands for the fuzz user's real header. */
  headers: Array<[string, string]>;
  body: Buffer;
  /** The header fields alone make this request malformed: its answer must be 400 BAD_REQUEST. */
  malformedHeaders: boolean;
  /** Sent with no body bytes and no Content-Encoding: never 415 or INVALID_JSON, whatever its type. */
  emptyBody: boolean;
}

/** Fields the server reads as one value (src/middleware/header-fields.ts), with values to repeat. */
const SINGLE_VALUE_FIELDS: ReadonlyArray<[string, fc.Arbitrary<string>]> = [
  ['Authorization', fc.oneof(fc.constant(VALID_TOKEN), headerText(60))],
  ['Content-Type', fc.oneof(fc.constantFrom(...JSON_TYPES, 'text/plain'), headerText(40))],
  ['Origin', fc.oneof(fc.constant(FUZZ_ORIGIN), fc.webUrl())],
  ['Access-Control-Request-Method', fc.constantFrom('POST', 'GET', 'DELETE', 'PUT')],
  ['X-CSRF-Token', headerText(60)],
  ['X-Auth-Transport', fc.oneof(fc.constant('cookie'), headerText(20))],
  ['X-Request-Id', fc.oneof(fc.constant('trace-1'), headerText(60))],
];

/** Fields that may repeat: lists, Cookie (joined with "; "), or read for display only. */
const REPEATABLE_FIELDS: ReadonlyArray<[string, fc.Arbitrary<string>]> = [
  ['Cookie', headerText(80)],
  ['Accept', fc.constantFrom('*/*', 'application/json', 'text/html;q=0.1')],
  ['User-Agent', headerText(60)],
  ['X-Forwarded-For', fc.oneof(fc.ipV4(), headerText(30))],
];

/** A header name as a client may spell it: field names are case-insensitive. */
const spelled = (name: string): fc.Arbitrary<string> => fc.constantFrom(name, name.toLowerCase(), name.toUpperCase());

const VALID_HOSTS = ['127.0.0.1', 'localhost:3000', 'a.test', '[::1]:80', '', 'xn--bcher-kva.example:8080', 'a.b.c.d'];
// Node trims spaces around a field value, so none of these ends in one.
const INVALID_HOSTS = [
  'a b',
  'a.test:80:80',
  'a.test/x',
  'user@a.test',
  '[::1',
  'a.test:http',
  '%zz',
  'a{b}',
  '"a"',
  'h\u00e9',
];

interface HostChoice {
  lines: string[];
  /** true: must be refused; false: must not be refused for it; null: a random value, either way. */
  malformed: boolean | null;
}

const host: fc.Arbitrary<HostChoice> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...VALID_HOSTS).map((value) => ({ lines: [value], malformed: false })) },
  fc.constant<HostChoice>({ lines: [], malformed: true }),
  fc
    .array(fc.constantFrom(...VALID_HOSTS, ...INVALID_HOSTS), { minLength: 2, maxLength: 3 })
    .map((lines) => ({ lines, malformed: true })),
  fc.constantFrom(...INVALID_HOSTS).map((value) => ({ lines: [value], malformed: true })),
  headerText(80).map((value) => ({ lines: [value], malformed: null })),
);

/** Header lines of `fields`, each sent `1..maxLines` times under any spelling of its name. */
function fieldLines(
  fields: ReadonlyArray<[string, fc.Arbitrary<string>]>,
  minLines: number,
): fc.Arbitrary<Array<[string, string]>> {
  return fc
    .subarray([...fields], { maxLength: 3 })
    .chain((chosen) =>
      fc.tuple(
        ...chosen.map(([name, value]) =>
          fc.array(fc.tuple(spelled(name), value), { minLength: minLines, maxLength: minLines + 1 }),
        ),
      ),
    )
    .map((groups) => groups.flat());
}

const CONTENT_TYPES = [
  ...JSON_TYPES,
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/vnd.api+json',
  '*/*',
];

interface BodyChoice {
  lines: Array<[string, string]>;
  bytes: Buffer;
  empty: boolean;
}

/** No body bytes, under any Content-Type (or none), framed each way HTTP allows. */
const emptyBody: fc.Arbitrary<BodyChoice> = fc
  .tuple(
    fc.option(fc.oneof(fc.constantFrom(...CONTENT_TYPES), headerText(40)), { nil: null }),
    fc.constantFrom('Content-Length: 0', 'chunked', 'none'),
  )
  .map(([type, framing]) => {
    const lines: Array<[string, string]> = type === null ? [] : [['Content-Type', type]];
    if (framing === 'Content-Length: 0') lines.push(['Content-Length', '0']);
    if (framing === 'chunked') lines.push(['Transfer-Encoding', 'chunked']);
    return { lines, bytes: Buffer.from(framing === 'chunked' ? '0\r\n\r\n' : ''), empty: true };
  });

/** A JSON body whose Content-Length is off by a few bytes, or not a number, or a broken chunking. */
const mismatchedBody: fc.Arbitrary<BodyChoice> = fc.oneof(
  fc
    .tuple(
      hostileJson.map((value) => Buffer.from(JSON.stringify(value))),
      fc.integer({ min: -8, max: 8 }).filter((offset) => offset !== 0),
    )
    .map(([bytes, offset]): BodyChoice => ({
      lines: [
        ['Content-Type', 'application/json'],
        ['Content-Length', String(Math.max(0, bytes.length + offset))],
      ],
      bytes,
      empty: false,
    })),
  fc.constantFrom('+2', '0x2', '2, 2', '-1', '2 2', 'two', '').map((length): BodyChoice => ({
    lines: [
      ['Content-Type', 'application/json'],
      ['Content-Length', length],
    ],
    bytes: Buffer.from('{}'),
    empty: false,
  })),
  fc
    .constantFrom('5\r\nab\r\n0\r\n\r\n', 'zz\r\n{}\r\n0\r\n\r\n', '2\r\n{}\r\n', '2;x=y\r\n{}\r\n0\r\n\r\n')
    .map((chunks): BodyChoice => ({
      lines: [
        ['Content-Type', 'application/json'],
        ['Transfer-Encoding', 'chunked'],
      ],
      bytes: Buffer.from(chunks),
      empty: false,
    })),
);

/** Header-level trouble at every route: repeats, Host, empty bodies, mismatched lengths. */
export function headerLevelRequest(profiles: readonly RouteProfile[]): fc.Arbitrary<RawFuzzRequest> {
  return fc.constantFrom(...profiles).chain((profile) =>
    fc
      .record({
        method: fc.oneof({ weight: 5, arbitrary: fc.constant(profile.method) }, fc.constant('OPTIONS')),
        path: concretePath(profile.route),
        version: fc.oneof({ weight: 5, arbitrary: fc.constant('1.1' as const) }, fc.constant('1.0' as const)),
        host,
        authorization: fc.option(fc.constant<[string, string]>(['Authorization', VALID_TOKEN]), { nil: null }),
        repeated: fc.oneof(fc.constant([]), fieldLines(SINGLE_VALUE_FIELDS, 2)),
        repeatable: fieldLines(REPEATABLE_FIELDS, 1),
        body: fc.oneof(emptyBody, mismatchedBody),
        close: fc.boolean(),
      })
      .map((parts) => {
        const singles = [...(parts.authorization === null ? [] : [parts.authorization]), ...parts.repeated];
        const headers: Array<[string, string]> = [
          ...parts.host.lines.map((value): [string, string] => ['Host', value]),
          ...singles,
          ...parts.repeatable,
          ...parts.body.lines,
          ...(parts.close ? [['Connection', 'close'] as [string, string]] : []),
        ];
        const hostMalformed = parts.host.lines.length === 0 ? parts.version === '1.1' : parts.host.malformed;
        return {
          method: parts.method,
          path: parts.path,
          version: parts.version,
          headers,
          body: parts.body.bytes,
          malformedHeaders: parts.repeated.length > 0 || hostMalformed === true,
          emptyBody: parts.body.empty,
        };
      }),
  );
}
