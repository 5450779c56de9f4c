import { TextDecoder } from 'node:util';
import coBody from 'co-body';
import type Joi from 'joi';
import { AppError } from '../errors/app-error';
import { CASE_MESSAGES } from '../errors/catalogue';
import type { AppContext } from './context';

// 16 KiB is far above any valid request.
const BODY_LIMIT = '16kb';

/**
 * Content codings are case-insensitive (RFC 9110 §8.4.1), but the decoder co-body uses matches lower
 * case only: `GZIP` was a 415. A body of zero bytes has nothing to decode, whatever it is labelled.
 */
function normaliseContentCoding(ctx: AppContext): void {
  const coding = ctx.get('Content-Encoding');
  if (coding === '') return;
  if (ctx.get('Content-Length') === '0') delete ctx.req.headers['content-encoding'];
  else ctx.req.headers['content-encoding'] = coding.trim().toLowerCase();
}

/**
 * The request body as JSON, or null when there is none. An empty body is no body, whatever
 * its Content-Type says (clients send `Content-Type: application/json` with nothing after it);
 * "empty" means zero bytes once decoded: `Content-Length: 0`, no length, or a chunked body with
 * no data. Whitespace alone is not JSON (RFC 8259 §2) and answers 400 INVALID_JSON.
 */
async function readJsonBody(ctx: AppContext): Promise<{ json: unknown } | null> {
  normaliseContentCoding(ctx);
  // co-body decodes gzip, deflate and br, and stops reading past the limit (413). latin1 maps each
  // byte to one character, so the bytes themselves reach the strict decoding below.
  const latin1 = (await coBody.text(ctx, { limit: BODY_LIMIT, encoding: 'latin1' })) as string;
  if (typeof ctx.request.is('application/json') !== 'string') {
    if (latin1 === '') return null;
    throw new AppError('UNSUPPORTED_MEDIA_TYPE');
  }
  const text = utf8TextOf(Buffer.from(latin1, 'latin1'));
  if (text === '') return null;
  // Not strict: `null` or `[1]` reach validation, which names the problem.
  return { json: parseJson(text) };
}

// JSON is UTF-8 (RFC 8259 §8.1). A lenient decoder turns every byte that is not into U+FFFD, so
// passwords differing only in such bytes became one password: the body is refused instead.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
// A form's names and values are checked one by one: a byte-order mark is a character there.
const strictUtf8Part = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** `bytes` decoded by a fatal `decoder`, or `refusal` thrown: no byte ever becomes U+FFFD. */
function strictText(decoder: TextDecoder, bytes: Buffer, refusal: () => AppError): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw refusal();
  }
}

/** The text of a UTF-8 body (a leading byte-order mark dropped), or 400 INVALID_JSON. */
const utf8TextOf = (bytes: Buffer): string =>
  strictText(strictUtf8, bytes, () => new AppError('INVALID_JSON', { message: CASE_MESSAGES.bodyNotUtf8 }));

/** The text of one name or value of a form body, or 400 BAD_REQUEST. */
const formTextOf = (bytes: Buffer): string =>
  strictText(strictUtf8Part, bytes, () => new AppError('BAD_REQUEST', { message: CASE_MESSAGES.formNotUtf8 }));

/** JSON.parse, refusing a `__proto__` key anywhere: merged into an object later, it would set its prototype. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text, (key: string, value: unknown) => {
      if (key === '__proto__') throw new SyntaxError('a __proto__ key');
      return value;
    });
  } catch {
    throw new AppError('INVALID_JSON');
  }
}

export type BodyHandler<T> = (ctx: AppContext, input: T) => Promise<void>;

/**
 * Wraps a controller that takes a JSON body: 415 unless the body is JSON or empty, 400 with one
 * detail per bad field unless it matches `schema`, else the controller gets the validated,
 * normalised value. No body validates as `{}`: optional fields take their defaults, and each
 * missing required field is named.
 */
export function withBody<T>(schema: Joi.ObjectSchema<T>, handler: BodyHandler<T>) {
  return async (ctx: AppContext): Promise<void> => {
    const body = await readJsonBody(ctx);
    await handler(ctx, validated(schema, body === null ? {} : body.json, 'body'));
  };
}

/**
 * Like withBody, for the OAuth routes (RFC 7662, RFC 7009) whose clients send
 * `application/x-www-form-urlencoded`: a form body is read as one too; JSON as withBody reads it.
 */
export function withFormBody<T>(schema: Joi.ObjectSchema<T>, handler: BodyHandler<T>) {
  return async (ctx: AppContext): Promise<void> => {
    if (typeof ctx.request.is('application/x-www-form-urlencoded') === 'string') {
      normaliseContentCoding(ctx);
      // co-body decodes the compressions withBody accepts and stops past the same limit; repeated or
      // bracketed names make arrays or objects, which validation then refuses. latin1 hands each
      // name and value over as its bytes, which must be UTF-8 before they are percent-decoded.
      const form: unknown = await coBody.form(ctx, {
        limit: BODY_LIMIT,
        encoding: 'latin1',
        queryString: { decoder: (part, percentDecode) => percentDecode(formTextOf(Buffer.from(part, 'latin1'))) },
      });
      await handler(ctx, validated(schema, form, 'body'));
      return;
    }
    let body: { json: unknown } | null;
    try {
      body = await readJsonBody(ctx);
    } catch (error) {
      if (error instanceof AppError && error.code === 'UNSUPPORTED_MEDIA_TYPE') {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', { message: CASE_MESSAGES.formOrJsonBody });
      }
      throw error;
    }
    await handler(ctx, validated(schema, body === null ? {} : body.json, 'body'));
  };
}

export type ParamsHandler<T> = (ctx: AppContext, params: T) => Promise<void>;

/** Wraps a controller that takes path parameters: 400 unless they match `schema`, as for a body. */
export function withParams<T>(schema: Joi.ObjectSchema<T>, handler: ParamsHandler<T>) {
  return async (ctx: AppContext & { params: Record<string, string> }): Promise<void> => {
    await handler(ctx, validated(schema, ctx.params, 'params'));
  };
}

/** Wraps a controller that takes a query string: 400 unless it matches `schema`, as for a body. */
export function withQuery<T>(schema: Joi.ObjectSchema<T>, handler: ParamsHandler<T>) {
  return async (ctx: AppContext): Promise<void> => {
    await handler(ctx, validated(schema, ctx.query, 'query'));
  };
}

/**
 * Wraps a controller that takes path parameters and a JSON body. The body is read first (413, 415
 * and unparseable JSON answer as on every body route), then the parameters and the body are checked.
 */
export function withParamsAndBody<P, B>(
  paramsSchema: Joi.ObjectSchema<P>,
  bodySchema: Joi.ObjectSchema<B>,
  handler: (ctx: AppContext, params: P, body: B) => Promise<void>,
) {
  return async (ctx: AppContext & { params: Record<string, string> }): Promise<void> => {
    const body = await readJsonBody(ctx);
    const params = validated(paramsSchema, ctx.params, 'params');
    await handler(ctx, params, validated(bodySchema, body === null ? {} : body.json, 'body'));
  };
}

/**
 * Wraps a controller that takes path parameters and a query string: each validated by its schema
 * (400 as for a body; a parameter repeated in the query is an array, which a string rule refuses).
 */
export function withParamsAndQuery<P, Q>(
  paramsSchema: Joi.ObjectSchema<P>,
  querySchema: Joi.ObjectSchema<Q>,
  handler: ParamsHandler<P & Q>,
) {
  return async (ctx: AppContext & { params: Record<string, string> }): Promise<void> => {
    const params = validated(paramsSchema, ctx.params, 'params');
    await handler(ctx, { ...validated(querySchema, { ...ctx.query }, 'query'), ...params });
  };
}

/** A UTF-16 surrogate with no partner: JSON's `\ud800` escape makes one, and no UTF-8 text holds it. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The paths of the strings in `value` (keys included) that are not well-formed Unicode. Each would
 * turn into U+FFFD on its way to bcrypt or MySQL, so that "\ud800…" and "\udfff…" became one
 * password: refused instead, whatever the field. Iterative: a deeply nested body cannot overflow the stack.
 */
function malformedStrings(value: unknown): string[][] {
  const found: string[][] = [];
  const pending: Array<{ value: unknown; path: string[] }> = [{ value, path: [] }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next.value === 'string') {
      if (LONE_SURROGATE.test(next.value)) found.push(next.path);
    } else if (typeof next.value === 'object' && next.value !== null) {
      for (const [key, child] of Object.entries(next.value)) {
        // Named with U+FFFD in its place: the detail itself must be well-formed.
        const path = [...next.path, key.replace(/\p{Cs}/gu, '\ufffd')];
        if (LONE_SURROGATE.test(key)) found.push(path);
        pending.push({ value: child, path });
      }
    }
  }
  return found;
}

/** The validated, normalised `value`, or 400 VALIDATION_FAILED with one detail per bad field. */
function validated<T>(schema: Joi.ObjectSchema<T>, value: unknown, wholeValueName: string): T {
  const fieldOf = (path: ReadonlyArray<string | number>): string => (path.length > 0 ? path.join('.') : wholeValueName);
  const malformed = malformedStrings(value).map((path) => ({
    field: fieldOf(path),
    message: `${fieldOf(path)} is not well-formed Unicode (it holds a lone surrogate)`,
  }));
  const result = schema.validate(value, { abortEarly: false, convert: true, errors: { wrap: { label: false } } });
  if (result.error !== undefined || malformed.length > 0) {
    const details = (result.error?.details ?? []).map((detail) => ({
      field: fieldOf(detail.path),
      message: detail.message,
    }));
    throw new AppError('VALIDATION_FAILED', { details: [...malformed, ...details] });
  }
  return result.value;
}
