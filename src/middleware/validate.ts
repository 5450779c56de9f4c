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
    const result = schema.validate(body, {
      abortEarly: false,
      convert: true,
      errors: { wrap: { label: false } },
    });
    if (result.error) {
      const details = result.error.details.map((detail) => ({
        field: detail.path.length > 0 ? detail.path.join('.') : 'body',
        message: detail.message,
      }));
      throw new AppError('VALIDATION_FAILED', { details });
    }
    await handler(ctx, result.value);
  };
}
