import type Joi from 'joi';
import type { SchemaObject } from 'openapi3-ts/oas31';

// Our own walk over Joi's public `describe()`. joi-to-json 5 supports Joi 18 but silently drops
// every rule it cannot express (custom, hostname, ip …), so a limit could vanish from the document
// unnoticed. This walk knows exactly the rules src/validators uses and throws on anything else.

type Description = Record<string, unknown>;

const NODE_KEYS = new Set(['type', 'flags', 'rules', 'allow', 'keys', 'preferences', 'patterns', 'matches']);
const FLAGS = new Set(['presence', 'description', 'only', 'default', 'unknown', 'format']);
// `messages` changes only the error text and `abortEarly` only how many errors are reported:
// neither changes which values pass, so neither matters to the document.
const PREFERENCES = new Set(['messages', 'abortEarly']);
const EMAIL_OPTIONS: Readonly<Record<string, unknown>> = { tlds: false, allowUnicode: false };
// A UTF-8 character is 1 to 4 bytes: a byte limit bounds the length in characters only loosely.
const MAX_UTF8_BYTES_PER_CHARACTER = 4;

function recordAt(value: unknown, where: string): Description {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${where}: expected an object in the Joi description`);
  }
  return value as Description;
}

function refuseUnknown(keys: Iterable<string>, known: ReadonlySet<string>, where: string, what: string): void {
  for (const key of keys) {
    if (!known.has(key)) throw new Error(`${where}: the OpenAPI document cannot express Joi ${what} "${key}"`);
  }
}

function numberArgument(args: Description, name: string, where: string): number {
  const value = args[name];
  if (typeof value !== 'number') throw new Error(`${where}: Joi rule argument ${name} is not a number`);
  return value;
}

/** One Joi rule: its name and arguments. */
interface Rule {
  name: string;
  args: Description;
}

function rulesOf(node: Description, where: string): Rule[] {
  const rules = node.rules ?? [];
  if (!Array.isArray(rules)) throw new Error(`${where}: rules is not a list`);
  return rules.map((raw, index) => {
    const rule = recordAt(raw, `${where} rule ${index}`);
    if (typeof rule.name !== 'string') throw new Error(`${where} rule ${index}: no name`);
    return { name: rule.name, args: recordAt(rule.args ?? {}, `${where} rule ${rule.name}`) };
  });
}

/** A Joi regex as JSON Schema's `pattern`; flags (/i, /m …) have no JSON Schema equivalent. */
function patternOf(args: Description, where: string): { pattern: string; name: string | null } {
  const source = /^\/(.*)\/([a-z]*)$/s.exec(String(args.regex));
  if (source === null || source[2] !== '') throw new Error(`${where}: pattern ${String(args.regex)} has flags`);
  const options = recordAt(args.options ?? {}, `${where} pattern options`);
  refuseUnknown(Object.keys(options), new Set(['name']), where, 'pattern option');
  return { pattern: source[1] ?? '', name: typeof options.name === 'string' ? options.name : null };
}

function stringSchema(node: Description, where: string): SchemaObject {
  // Joi refuses the empty string unless told to allow it, which this walk does not accept.
  const schema: SchemaObject = { type: 'string', minLength: 1 };
  const normalisations: string[] = [];
  const notes: string[] = [];
  const bytes: { min?: number; max?: number } = {};
  for (const { name, args } of rulesOf(node, where)) {
    const at = `${where} rule ${name}`;
    switch (name) {
      case 'min':
      case 'max': {
        const limit = numberArgument(args, 'limit', at);
        refuseUnknown(Object.keys(args), new Set(['limit', 'encoding']), at, 'argument');
        if (args.encoding !== undefined && args.encoding !== 'utf8') throw new Error(`${at}: encoding is not utf8`);
        const inBytes = args.encoding === 'utf8';
        if (inBytes) bytes[name] = limit;
        if (name === 'max') schema.maxLength = limit;
        else schema.minLength = Math.max(1, inBytes ? Math.ceil(limit / MAX_UTF8_BYTES_PER_CHARACTER) : limit);
        break;
      }
      case 'isoDate':
        schema.format = 'date-time';
        normalisations.push('read as an ISO 8601 date');
        break;
      case 'trim':
        if (args.enabled === true) normalisations.push('trimmed');
        break;
      case 'case':
        if (args.direction !== 'lower') throw new Error(`${at}: only lower-casing is supported`);
        normalisations.push('lower-cased');
        break;
      case 'email': {
        const options = recordAt(args.options ?? {}, at);
        for (const [option, value] of Object.entries(options)) {
          if (EMAIL_OPTIONS[option] !== value) throw new Error(`${at}: option ${option}: ${String(value)}`);
        }
        schema.format = 'email';
        if (options.allowUnicode === false) notes.push('ASCII only.');
        break;
      }
      case 'pattern': {
        const { pattern, name: patternName } = patternOf(args, at);
        schema.pattern = pattern;
        if (patternName !== null) notes.push(`${capitalised(patternName)}.`);
        break;
      }
      case 'custom':
        // Code JSON Schema cannot state: the rule must say in words what it checks.
        if (typeof args.description !== 'string') throw new Error(`${at}: a custom rule needs a description`);
        notes.push(args.description);
        break;
      default:
        throw new Error(`${where}: the OpenAPI document cannot express Joi rule "${name}"`);
    }
  }
  const normalised =
    normalisations.length > 0 ? `${capitalised(normalisations.join(' and '))} before it is checked.` : null;
  const text = [normalised, byteLengthNote(bytes), ...notes].filter((note) => note !== null).join(' ');
  if (text !== '') schema.description = text;
  return schema;
}

function byteLengthNote({ min, max }: { min?: number; max?: number }): string | null {
  if (min !== undefined && max !== undefined) return `${min} to ${max} bytes of UTF-8.`;
  if (min !== undefined) return `At least ${min} bytes of UTF-8.`;
  return max === undefined ? null : `At most ${max} bytes of UTF-8.`;
}

const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

function objectSchema(node: Description, where: string): SchemaObject {
  let minProperties: number | undefined;
  for (const { name, args } of rulesOf(node, where)) {
    if (name !== 'min') throw new Error(`${where}: object rule "${name}" is not supported`);
    minProperties = numberArgument(args, 'limit', `${where} rule min`);
  }
  const keys = recordAt(node.keys ?? {}, `${where} keys`);
  const properties: Record<string, SchemaObject> = {};
  const required: string[] = [];
  for (const [key, child] of Object.entries(keys)) {
    properties[key] = convert(child, `${where}.${key}`);
    if (presenceOf(recordAt(child, `${where}.${key}`), `${where}.${key}`) === 'required') required.push(key);
  }
  const flags = recordAt(node.flags ?? {}, where);
  const patterns = Array.isArray(node.patterns) ? node.patterns : [];
  const patternProperties: Record<string, SchemaObject> = {};
  for (const [index, raw] of patterns.entries()) {
    const at = `${where} pattern ${index}`;
    const { pattern } = patternOf(recordAt(raw, at), at);
    patternProperties[pattern] = convert(recordAt(raw, at).rule, at);
  }
  return {
    type: 'object',
    required,
    // Joi refuses keys it was not told about, unless its `unknown` flag allows them.
    additionalProperties: flags.unknown === true,
    properties,
    ...(patterns.length > 0 ? { patternProperties } : {}),
    ...(minProperties === undefined ? {} : { minProperties }),
  };
}

function numberSchema(node: Description, where: string): SchemaObject {
  const schema: SchemaObject = { type: 'number' };
  for (const { name, args } of rulesOf(node, where)) {
    if (name === 'integer') schema.type = 'integer';
    else if (name === 'min') schema.minimum = numberArgument(args, 'limit', `${where} rule min`);
    else if (name === 'max') schema.maximum = numberArgument(args, 'limit', `${where} rule max`);
    else throw new Error(`${where}: the OpenAPI document cannot express Joi rule "${name}"`);
  }
  return schema;
}

function dateSchema(node: Description, where: string): SchemaObject {
  if (recordAt(node.flags ?? {}, where).format !== 'iso')
    throw new Error(`${where}: only Joi.date().iso() is supported`);
  const bounds: Record<string, string> = {};
  for (const { name, args } of rulesOf(node, where)) {
    const limit = args.date;
    if ((name !== 'min' && name !== 'max') || typeof limit !== 'string') {
      throw new Error(`${where}: the OpenAPI document cannot express Joi rule "${name}"`);
    }
    bounds[name] = limit.slice(0, 10);
  }
  const range = bounds.min !== undefined && bounds.max !== undefined ? `, ${bounds.min} to ${bounds.max}` : '';
  return { type: 'string', format: 'date-time', description: `ISO 8601${range}.` };
}

function alternativesSchema(node: Description, where: string): SchemaObject {
  const matches = Array.isArray(node.matches) ? node.matches : [];
  return {
    anyOf: matches.map((raw, index) =>
      convert(recordAt(raw, `${where} match ${index}`).schema, `${where} match ${index}`),
    ),
  };
}

/** `.allow(null)` on its own: the value may also be null. */
function allowsOnlyNull(node: Description, flags: Description): boolean {
  return flags.only !== true && Array.isArray(node.allow) && node.allow.length === 1 && node.allow[0] === null;
}

function withNull(schema: SchemaObject): SchemaObject {
  return { anyOf: [...(schema.anyOf ?? [schema]), { type: 'null' }] };
}

function presenceOf(node: Description, where: string): 'required' | 'optional' {
  const presence = recordAt(node.flags ?? {}, where).presence ?? 'optional';
  if (presence !== 'required' && presence !== 'optional') {
    throw new Error(`${where}: presence ${JSON.stringify(presence)}`);
  }
  return presence;
}

/** `.valid(...)`: an enum of the listed strings. Allowing extra values next to other rules is refused. */
function enumOf(node: Description, flags: Description, where: string): string[] | null {
  if (node.allow === undefined) return null;
  const values = node.allow;
  if (flags.only !== true || !Array.isArray(values) || !values.every((value) => typeof value === 'string')) {
    throw new Error(`${where}: only .valid() of strings is supported, not .allow()`);
  }
  return values;
}

function convert(description: unknown, where: string): SchemaObject {
  const node = recordAt(description, where);
  refuseUnknown(Object.keys(node), NODE_KEYS, where, 'key');
  const flags = recordAt(node.flags ?? {}, `${where} flags`);
  refuseUnknown(Object.keys(flags), FLAGS, where, 'flag');
  refuseUnknown(Object.keys(recordAt(node.preferences ?? {}, where)), PREFERENCES, where, 'preference');
  presenceOf(node, where);

  let schema: SchemaObject;
  if (node.type === 'object') schema = objectSchema(node, where);
  else if (node.type === 'string') schema = stringSchema(node, where);
  else if (node.type === 'number') schema = numberSchema(node, where);
  else if (node.type === 'boolean' && rulesOf(node, where).length === 0) schema = { type: 'boolean' };
  else if (node.type === 'date') schema = dateSchema(node, where);
  else if (node.type === 'alternatives') schema = alternativesSchema(node, where);
  else throw new Error(`${where}: the OpenAPI document cannot express Joi type "${String(node.type)}"`);

  if (allowsOnlyNull(node, flags)) schema = withNull(schema);
  else {
    const values = enumOf(node, flags, where);
    if (values !== null) schema.enum = values;
  }
  if (flags.default !== undefined) {
    if (!['string', 'number'].includes(typeof flags.default)) {
      throw new Error(`${where}: only a string or number default is supported`);
    }
    schema.default = flags.default;
  }
  // What the rules say comes first, then the schema's own `.description()`, which says why.
  if (typeof flags.description === 'string') {
    schema.description = [schema.description, flags.description].filter((text) => text !== undefined).join(' ');
  }
  return schema;
}

/**
 * The JSON Schema (OpenAPI 3.1's dialect) of what `schema` accepts, for the request side of the
 * document. Throws on any Joi rule, flag or type it cannot express, rather than leaving it out.
 */
export function jsonSchemaOf(schema: Joi.Schema): SchemaObject {
  return convert(schema.describe(), 'schema');
}

/** The JSON Schema of one field of an object schema, e.g. to reuse a request limit in a response. */
export function fieldSchemaOf<T>(schema: Joi.ObjectSchema<T>, field: keyof T & string): SchemaObject {
  const property = jsonSchemaOf(schema).properties?.[field];
  if (property === undefined || '$ref' in property) throw new Error(`the schema has no field ${field}`);
  return property;
}
