import type Joi from 'joi';
import bodyParser from 'koa-bodyparser';
import { AppError } from '../errors/app-error';
import type { AppContext } from './context';

// Only routes that take a body parse one. strict: false lets `null` or `[1]` through to
// validation, which names the problem; 16 KiB is far above any valid request.
const parseJson = bodyParser({ enableTypes: ['json'], jsonLimit: '16kb', strict: false });
const nothingNext = (): Promise<void> => Promise.resolve();

export type BodyHandler<T> = (ctx: AppContext, input: T) => Promise<void>;

/**
 * Wraps a controller that takes a JSON body: 415 unless the body is JSON, 400 with one detail per
 * bad field unless it matches `schema`, else the controller gets the validated, normalised value.
 */
export function withBody<T>(schema: Joi.ObjectSchema<T>, handler: BodyHandler<T>) {
  return async (ctx: AppContext): Promise<void> => {
    // An absent or zero-length body is a validation failure (fields missing), not a media type one.
    const isEmpty = ctx.request.length === 0;
    if (ctx.request.is('application/json') === false && !isEmpty) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
    await parseJson(ctx, nothingNext);
    const body: unknown = ctx.request.body;
    await handler(ctx, validated(schema, body, 'body'));
  };
}

export type ParamsHandler<T> = (ctx: AppContext, params: T) => Promise<void>;

/** Wraps a controller that takes path parameters: 400 unless they match `schema`, as for a body. */
export function withParams<T>(schema: Joi.ObjectSchema<T>, handler: ParamsHandler<T>) {
  return async (ctx: AppContext & { params: Record<string, string> }): Promise<void> => {
    await handler(ctx, validated(schema, ctx.params, 'params'));
  };
}

/** The validated, normalised `value`, or 400 VALIDATION_FAILED with one detail per bad field. */
function validated<T>(schema: Joi.ObjectSchema<T>, value: unknown, wholeValueName: string): T {
  const result = schema.validate(value, { abortEarly: false, convert: true, errors: { wrap: { label: false } } });
  if (result.error) {
    const details = result.error.details.map((detail) => ({
      field: detail.path.length > 0 ? detail.path.join('.') : wholeValueName,
      message: detail.message,
    }));
    throw new AppError('VALIDATION_FAILED', { details });
  }
  return result.value;
}
