import fc from 'fast-check';

export const SQL_SNIPPETS = [
  "' OR 1=1 --",
  "'; DROP TABLE users; --",
  '" OR ""="',
  '1; SELECT SLEEP(5)',
  "admin'--",
  "x' UNION SELECT password_hash FROM users --",
  '\\',
  '%_',
];

export const UNICODE_SNIPPETS = ['\u0000', '\ud800', '\udfff', '\u202e', '\u200b', '\ufeff', '\u2028', '😀', 'ß', 'İ'];

/** Valid ISO 8601 instants outside what a MySQL DATETIME holds (years 10000+, before 1000), and its edges. */
export const EDGE_DATES = [
  '+010000-01-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '0999-12-31T23:59:59Z',
  '9999-12-31T23:59:59.999Z',
];

/** Keys that pollute prototypes when a parser or a merge trusts them. */
export const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype'];

/** A property no code defines: if it ever shows up on Object.prototype, something was polluted. */
export const POLLUTION_MARKER = 'fuzzPolluted';

/** Any UTF-16 code unit, lone surrogates and NUL included. */
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));

const shortStrings = [
  fc.string({ unit: anyCodeUnit, maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(...SQL_SNIPPETS, ...UNICODE_SNIPPETS, ...EDGE_DATES),
  fc
    .array(fc.constantFrom(...SQL_SNIPPETS, ...UNICODE_SNIPPETS, 'a', '@', '.'), { maxLength: 8 })
    .map((parts) => parts.join('')),
  fc.emailAddress(),
];

/** Strings a hostile client sends: random unicode, SQL, control and bidi characters. */
export const shortHostileString: fc.Arbitrary<string> = fc.oneof(...shortStrings);

/** The same, plus long runs of up to 20 000 characters: some bodies pass the 16 KiB limit. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  ...shortStrings,
  fc.nat(20_000).map((length) => 'x'.repeat(length)),
);

/** Object keys: random, hostile and pollution keys. */
export const hostileKey = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(...POLLUTION_KEYS),
  shortHostileString,
);

/** Any JSON value whose strings come from `strings`. */
function jsonOf(strings: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  return fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      strings,
      fc.oneof(fc.integer(), fc.double(), fc.constantFrom(2 ** 53, -0, 1e308, -1e-308)),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(hostileKey, tie('value'), { maxKeys: 4 }),
    ),
  })).value;
}

/** Any JSON value, built from hostile strings and keys. */
export const hostileJson = jsonOf(hostileString);

/** Any JSON value small enough to travel in a header (Node refuses headers over 16 KiB itself). */
export const compactJson = jsonOf(shortHostileString);

/** JSON text of an object from raw entries: keys may repeat, `__proto__` really reaches the parser. */
export function objectText(entries: ReadonlyArray<readonly [string, string]>): string {
  return `{${entries.map(([key, valueText]) => `${JSON.stringify(key)}:${valueText}`).join(',')}}`;
}

/** JSON text nested `depth` levels deep, as arrays or objects. */
export const deepNesting = fc
  .tuple(fc.integer({ min: 1, max: 6000 }), fc.constantFrom(['[', ']'], ['{"a":', '}']))
  .map(([depth, [open, close]]) => `${open.repeat(depth)}1${close.repeat(depth)}`);

/** Valid JSON text broken by cutting it short or appending junk; never empty (that means "no body"). */
export function malformed(text: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(text, fc.nat(), fc.constantFrom('', ',', '}', '"', '\\', 'undefined', 'NaN', "'"))
    .map(([source, at, junk]) => {
      const cut = source.length === 0 ? 0 : at % source.length;
      return `${source.slice(0, cut)}${junk}`;
    })
    .filter((text) => text.length > 0 && !isJson(text));
}

export function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Header values Node's client will send: visible ASCII, tab, space and Latin-1 bytes. */
export const headerText = (maxLength: number) =>
  fc.string({
    unit: fc
      .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.constant(0x09), fc.integer({ min: 0x80, max: 0xff }))
      .map((code) => String.fromCharCode(code)),
    maxLength,
  });
