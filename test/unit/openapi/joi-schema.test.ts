import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { expect } from 'chai';
import fc from 'fast-check';
import Joi from 'joi';
import type { SchemaObject } from 'openapi3-ts/oas31';
import { jsonSchemaOf } from '../../../src/openapi/joi-schema';
import { jsonBody, pathParameters } from '../../../src/openapi/request-bodies';
import * as validators from '../../../src/validators/auth.schemas';

const objectSchemas = Object.entries(validators).filter(
  (entry): entry is [string, Joi.ObjectSchema] => Joi.isSchema(entry[1]) && entry[1].type === 'object',
);

describe('jsonSchemaOf (Joi to the OpenAPI request side)', () => {
  it('translates the rules the validators use', () => {
    const schema = Joi.object({
      email: Joi.string().trim().lowercase().max(254).email({ tlds: false, allowUnicode: false }).required(),
      secret: Joi.string()
        .min(8, 'utf8')
        .max(72, 'utf8')
        .pattern(/^[^#]*$/, { name: 'no hash sign' })
        .prefs({ abortEarly: true })
        .messages({ 'string.min': 'too short' })
        .description('Why it is bounded.'),
      name: Joi.string().min(3).max(100),
      scope: Joi.string().valid('current', 'all').default('current'),
      checked: Joi.string().custom((value: string) => value, 'Checked by code.'),
    }).required();

    expect(jsonSchemaOf(schema)).to.deep.equal({
      type: 'object',
      required: ['email'],
      additionalProperties: false,
      properties: {
        email: {
          type: 'string',
          minLength: 1,
          maxLength: 254,
          format: 'email',
          description: 'Trimmed and lower-cased before it is checked. ASCII only.',
        },
        secret: {
          type: 'string',
          minLength: 2,
          maxLength: 72,
          pattern: '^[^#]*$',
          description: '8 to 72 bytes of UTF-8. No hash sign. Why it is bounded.',
        },
        name: { type: 'string', minLength: 3, maxLength: 100 },
        scope: { type: 'string', minLength: 1, enum: ['current', 'all'], default: 'current' },
        checked: { type: 'string', minLength: 1, description: 'Checked by code.' },
      },
    });
  });

  it('states a lone byte limit in words', () => {
    const schema = Joi.object({ least: Joi.string().min(5, 'utf8'), most: Joi.string().max(9, 'utf8') });
    const { properties } = jsonSchemaOf(schema);
    expect(properties?.least).to.include({ minLength: 2, description: 'At least 5 bytes of UTF-8.' });
    expect(properties?.most).to.include({ maxLength: 9, description: 'At most 9 bytes of UTF-8.' });
  });

  it('converts numbers, booleans, ISO dates, null allowed alone, unknown keys and key patterns', () => {
    const schema = Joi.object({
      count: Joi.number().integer().min(0).max(9),
      ratio: Joi.number(),
      flag: Joi.boolean(),
      at: Joi.date().iso().allow(null),
    })
      .pattern(/^x_[a-z]+$/, Joi.alternatives().try(Joi.string().max(3), Joi.number()))
      .unknown(true);
    const converted = jsonSchemaOf(schema);
    expect(converted.additionalProperties).to.equal(true);
    expect(converted.properties).to.deep.equal({
      count: { type: 'integer', minimum: 0, maximum: 9 },
      ratio: { type: 'number' },
      flag: { type: 'boolean' },
      at: { anyOf: [{ type: 'string', format: 'date-time', description: 'ISO 8601.' }, { type: 'null' }] },
    });
    expect((converted as Record<string, unknown>).patternProperties).to.deep.equal({
      '^x_[a-z]+$': { anyOf: [{ type: 'string', minLength: 1, maxLength: 3 }, { type: 'number' }] },
    });
  });

  // Each of these would be dropped or misstated by a converter that skips what it does not know.
  const unsupported: Array<[string, Joi.Schema, RegExp]> = [
    ['a rule it does not know', Joi.string().hostname(), /rule "hostname"/],
    ['a type it does not know', Joi.object({ tags: Joi.array() }), /type "array"/],
    ['a date that is not ISO 8601', Joi.date(), /only Joi.date\(\).iso\(\)/],
    ['a custom rule without a description', Joi.string().custom((value: string) => value), /needs a description/],
    ['extra allowed values', Joi.string().max(3).allow(''), /\.allow\(\)/],
    ['a forbidden key', Joi.object({ a: Joi.string().forbidden() }), /presence "forbidden"/],
    ['a label', Joi.string().label('x'), /flag "label"/],
    [
      'a conditional',
      Joi.object({ a: Joi.string(), b: Joi.string().when('a', { is: 'x', then: Joi.required() }) }),
      /"whens"/,
    ],
    ['a regex with flags', Joi.string().pattern(/^a$/i), /has flags/],
    ['an inverted pattern', Joi.string().pattern(/a/, { invert: true }), /pattern option "invert"/],
    ['a byte limit in another encoding', Joi.string().max(9, 'latin1'), /encoding is not utf8/],
    ['upper-casing', Joi.string().uppercase(), /only lower-casing/],
    ['email options it does not know', Joi.string().email({ minDomainSegments: 3 }), /option minDomainSegments/],
    ['a preference that changes what passes', Joi.string().prefs({ convert: false }), /preference "convert"/],
    ['a computed default', Joi.string().default(() => 'x'), /string default/],
    ['object rules', Joi.object({ a: Joi.string() }).min(1), /object rules/],
  ];
  for (const [label, schema, message] of unsupported) {
    it(`throws at document build on ${label}`, () => {
      expect(() => jsonSchemaOf(schema)).to.throw(message);
    });
  }

  it('converts every object schema in src/validators', () => {
    expect(objectSchemas.map(([name]) => name)).to.include.members(['signupSchema', 'sessionParamsSchema']);
    for (const [, schema] of objectSchemas) expect(jsonSchemaOf(schema).type).to.equal('object');
  });

  // The document may be looser than the server (a limit in bytes is a looser limit in characters),
  // never stricter: a request the server takes must not look invalid to a client checking the document.
  it('never refuses a string field value the server accepts as is', () => {
    const ajv = new Ajv2020({ strict: true });
    addFormats(ajv);
    const text = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', 'é', '€', '😀', '\0', '\u0001'), maxLength: 110 });
    for (const [, schema] of objectSchemas) {
      for (const [field, property] of Object.entries(jsonSchemaOf(schema).properties ?? {})) {
        if ((property as SchemaObject).format !== undefined) continue; // formats are ajv-formats' own reading
        const documented = ajv.compile(property);
        const served = schema.extract(field);
        fc.assert(
          fc.property(
            text,
            (value) => served.validate(value, { convert: false }).error !== undefined || documented(value),
          ),
          { numRuns: 300, examples: [['é'.repeat(36)], ['😀'.repeat(18)], ['😀😀']] },
        );
      }
    }
  });
});

describe('jsonBody and pathParameters', () => {
  const body = Joi.object<{ scope?: string }, true>({ scope: Joi.string().valid('a', 'b') });

  it('makes a body with no required field optional, since an absent body validates as {}', () => {
    expect(jsonBody(body, { scope: 'a' }).required).to.equal(false);
    expect(jsonBody(validators.loginSchema, { email: 'ada@example.com', password: 'pw' }).required).to.equal(true);
  });

  it('throws when the documented example is refused by the schema it documents', () => {
    expect(() => jsonBody(body, { scope: 'c' })).to.throw(/refused by its own schema/);
  });

  it('moves the description to the parameter and requires every path parameter', () => {
    expect(pathParameters(validators.sessionParamsSchema, { id: 'abc' })).to.deep.equal([
      {
        name: 'id',
        in: 'path',
        required: true,
        description: 'A session id from GET /auth/sessions.',
        schema: { type: 'string', minLength: 1 },
        example: 'abc',
      },
    ]);
    const undescribed = Joi.object<{ asset: string }, true>({ asset: Joi.string().required() });
    expect(pathParameters(undescribed, { asset: 'a.css' })[0]).to.not.have.property('description');
    const optional = Joi.object<{ id?: string }, true>({ id: Joi.string() });
    expect(() => pathParameters(optional, { id: 'abc' })).to.throw(/not required/);
  });
});
