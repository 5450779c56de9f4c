import type Joi from 'joi';
import type { ParameterObject, RequestBodyObject } from 'openapi3-ts/oas31';
import { jsonSchemaOf } from './joi-schema';

/** Throws unless `example` is what `schema` accepts as is: a documented example must work verbatim. */
function assertAccepted(schema: Joi.Schema, example: unknown): void {
  const { error } = schema.validate(example, { abortEarly: false, convert: false });
  if (error !== undefined) throw new Error(`a documented example is refused by its own schema: ${error.message}`);
}

/**
 * The JSON body a route validates with `schema`, derived from it, with a `valid` example. An absent
 * body reaches the validator as `{}`, so the body is optional when none of its fields is required.
 */
export function jsonBody<T>(schema: Joi.ObjectSchema<T>, example: T): RequestBodyObject {
  assertAccepted(schema, example);
  const bodySchema = jsonSchemaOf(schema);
  return {
    required: (bodySchema.required ?? []).length > 0,
    content: { 'application/json': { schema: bodySchema, examples: { valid: { value: example } } } },
  };
}

/** The path parameters a route validates with `schema`, derived from it, each with its example. */
export function pathParameters<T>(schema: Joi.ObjectSchema<T>, examples: T): ParameterObject[] {
  return parameters(schema, examples, 'path');
}

function parameters<T>(schema: Joi.ObjectSchema<T>, examples: T, location: 'path' | 'query'): ParameterObject[] {
  assertAccepted(schema, examples);
  const { properties = {}, required = [] } = jsonSchemaOf(schema);
  return Object.entries(properties).map(([name, property]) => {
    if ('$ref' in property) throw new Error(`path parameter ${name} is a reference`);
    // OpenAPI requires every path parameter to be required: Joi must say so too.
    if (location === 'path' && !required.includes(name)) {
      throw new Error(`path parameter ${name} is not required in its Joi schema`);
    }
    const { description, ...parameterSchema } = property;
    const example: unknown = (examples as Record<string, unknown>)[name];
    return {
      name,
      in: location,
      required: required.includes(name),
      ...(description === undefined ? {} : { description }),
      schema: parameterSchema,
      example,
    };
  });
}

/**
 * A body read by `withFormBody`: form-encoded as OAuth clients send it (RFC 7662, RFC 7009), or
 * JSON, both derived from `schema`, with the same `valid` example.
 */
export function formOrJsonBody<T>(schema: Joi.ObjectSchema<T>, example: T): RequestBodyObject {
  assertAccepted(schema, example);
  const bodySchema = jsonSchemaOf(schema);
  const media = { schema: bodySchema, examples: { valid: { value: example } } };
  return { required: true, content: { 'application/x-www-form-urlencoded': media, 'application/json': media } };
}

/** The query parameters a route validates with `schema`, derived from it, each with its example if given. */
export function queryParameters<T>(schema: Joi.ObjectSchema<T>, examples: Partial<T>): ParameterObject[] {
  const { properties = {}, required = [] } = jsonSchemaOf(schema);
  return Object.entries(properties).map(([name, property]) => {
    if ('$ref' in property) throw new Error(`query parameter ${name} is a reference`);
    const { description, ...parameterSchema } = property;
    const example: unknown = (examples as Record<string, unknown>)[name];
    return {
      name,
      in: 'query',
      required: required.includes(name),
      ...(description === undefined ? {} : { description }),
      schema: parameterSchema,
      ...(example === undefined ? {} : { example }),
    };
  });
}
