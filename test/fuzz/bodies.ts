import fc from 'fast-check';
import {
  deepNesting,
  headerText,
  hostileJson,
  hostileKey,
  hostileString,
  malformed,
  objectText,
  POLLUTION_KEYS,
  POLLUTION_MARKER,
  shortHostileString,
} from './values';

/** A request body as sent: raw bytes or text, declared type and encoding, optionally compressed. */
export interface FuzzBody {
  contentType: string;
  contentEncoding: string | null;
  /** Compress the payload as `contentEncoding` says (gzip, deflate), for bodies that really are. */
  compress: boolean;
  payload: string | Uint8Array;
}

export const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON'];
const OTHER_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'text/json',
  'application/vnd.api+json',
];
// JSON is UTF-8 whatever the charset says (RFC 8259 §11 defines none): these may well be accepted.
const ODD_JSON_TYPES = [
  'application/json; charset=latin1',
  'application/json; charset=utf-16le',
  'application/json; charset=bogus',
  'application/json; charset',
  'application/json;;;',
  '*/*',
];
const ENCODINGS = ['gzip', 'deflate', 'br', 'identity', 'x-gzip', 'gzip, deflate', 'compress', 'GZIP'];

const jsonText = hostileJson.map((value) => JSON.stringify(value));
const valueText = fc.oneof(
  jsonText,
  hostileString.map((text) => JSON.stringify(text)),
);

/** Objects whose keys are the route's field names, pollution keys or random ones; keys may repeat. */
export function objectBody(fields: readonly string[]): fc.Arbitrary<string> {
  const key = fc.oneof(fc.constantFrom(...fields, ...POLLUTION_KEYS), hostileKey);
  return fc.array(fc.tuple(key, valueText), { maxLength: 6 }).map(objectText);
}

/** Every field a string a client might really send: often valid, so requests reach the database. */
function plausibleBody(fields: readonly string[]): fc.Arbitrary<string> {
  const value = fc.oneof(fc.emailAddress(), fc.string({ minLength: 8, maxLength: 72 }), shortHostileString);
  return fc
    .tuple(...fields.map((field) => value.map((text) => [field, JSON.stringify(text)] as const)))
    .map((entries) => objectText(entries));
}

const pollution = fc.constantFrom(
  `{"__proto__":{"${POLLUTION_MARKER}":true}}`,
  `{"constructor":{"prototype":{"${POLLUTION_MARKER}":true}}}`,
  `{"a":1,"__proto__":{"${POLLUTION_MARKER}":true},"__proto__":null}`,
  `[{"__proto__":{"${POLLUTION_MARKER}":true}}]`,
);

/** A gzip bomb in miniature: a few hundred bytes that inflate past the 16 KiB limit. */
const bomb = fc.integer({ min: 17_000, max: 100_000 }).map((length) => `{"a":"${'x'.repeat(length)}"}`);

/** Any payload at all for a route whose body has `fields`. */
export function anyPayload(fields: readonly string[]): fc.Arbitrary<string | Uint8Array> {
  return fc.oneof(
    jsonText,
    { weight: 3, arbitrary: plausibleBody(fields) },
    objectBody(fields),
    pollution,
    deepNesting,
    malformed(objectBody(fields)),
    fc.uint8Array({ maxLength: 300 }),
    bomb,
  );
}

/** Any body: any payload, any declared type and encoding; null sends none. */
export function anyBody(fields: readonly string[]): fc.Arbitrary<FuzzBody | null> {
  return fc.option(
    fc.record({
      // Mostly JSON, so that most bodies get as far as parsing and validation.
      contentType: fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...JSON_TYPES) },
        fc.constantFrom(...OTHER_TYPES, ...ODD_JSON_TYPES),
        headerText(60),
      ),
      contentEncoding: fc.oneof(
        { weight: 6, arbitrary: fc.constant(null) },
        fc.constantFrom(...ENCODINGS),
        headerText(30),
      ),
      compress: fc.boolean(),
      payload: anyPayload(fields),
    }),
    { freq: 6 },
  );
}

/** A JSON body as a well-behaved client sends it, with `payload` as its text. */
export function jsonBody(payload: fc.Arbitrary<string>): fc.Arbitrary<FuzzBody> {
  return fc.record({
    contentType: fc.constantFrom(...JSON_TYPES),
    contentEncoding: fc.constantFrom(null, 'identity'),
    compress: fc.constant(false),
    payload,
  });
}

/** Bodies rejected before validation: wrong type, unknown encoding, corrupt gzip, over 16 KiB. */
export const unreadableBody: fc.Arbitrary<FuzzBody> = fc.oneof(
  fc.record({
    contentType: fc.constantFrom(...OTHER_TYPES),
    contentEncoding: fc.constant(null),
    compress: fc.constant(false),
    payload: fc.oneof(jsonText, malformed(jsonText)).filter((text) => text.length > 0),
  }),
  fc.record({
    contentType: fc.constantFrom(...JSON_TYPES),
    contentEncoding: fc.constantFrom('compress', 'x-unknown', 'gzip', 'deflate'),
    compress: fc.constant(false),
    payload: jsonText.filter((text) => text.length > 0),
  }),
  fc.record({
    contentType: fc.constantFrom(...JSON_TYPES),
    contentEncoding: fc.constantFrom(null, 'gzip', 'deflate'),
    compress: fc.constant(true),
    payload: bomb,
  }),
  jsonBody(malformed(jsonText)),
  jsonBody(pollution.filter((text) => text.includes('__proto__'))),
  jsonBody(deepNesting.filter((text) => text.length > 16 * 1024)),
);
