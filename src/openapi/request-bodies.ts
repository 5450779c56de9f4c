import type { RequestBodyObject, SchemaObject } from 'openapi3-ts/oas31';

// Field limits mirror src/validators/auth.schemas.ts. Passwords are bounded in UTF-8 bytes, which
// JSON Schema cannot express: 72 bytes is at most 72 characters, the rest is in the description.
export const email: SchemaObject = {
  type: 'string',
  format: 'email',
  maxLength: 254,
  description: 'ASCII only; trimmed and lower-cased before use.',
};

/** A password of `minBytes`..72 UTF-8 bytes with no NUL, as bcrypt reads at most 72 bytes. */
export function password(minBytes: number): SchemaObject {
  return {
    type: 'string',
    maxLength: 72,
    pattern: '^[^\\u0000]*$',
    description: `${minBytes} to 72 bytes of UTF-8, no NUL character.`,
  };
}

/**
 * A JSON object body of `properties` with a `valid` example: every field required, or with
 * `required` false, the body and each field optional.
 */
export function jsonBody(
  properties: Record<string, SchemaObject>,
  example: Record<string, string>,
  required = true,
): RequestBodyObject {
  const schema: SchemaObject = {
    type: 'object',
    required: required ? Object.keys(properties) : [],
    additionalProperties: false,
    properties,
  };
  return { required, content: { 'application/json': { schema, examples: { valid: { value: example } } } } };
}
