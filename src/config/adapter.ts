import Joi from 'joi';
import { secret, type ValuesOf } from './declare';

export interface AdapterSettings {
  /** The shared secret of the Auth.js adapter API (/adapter); null: the API is off (404). */
  authjsAdapter: { secret: string } | null;
}

const MIN_SECRET_BYTES = 32;

/** The REST adapter API an Auth.js app uses as its database (see docs/reference/authjs.md). */
export const ADAPTER_KEYS = {
  AUTHJS_ADAPTER_SECRET: secret(
    Joi.string()
      .custom((value: string, helpers) =>
        Buffer.byteLength(value, 'utf8') < MIN_SECRET_BYTES ? helpers.error('secret.short') : value,
      )
      .messages({ 'secret.short': `{{#label}} must be at least ${MIN_SECRET_BYTES} bytes` })
      .description(
        `Shared secret (at least ${MIN_SECRET_BYTES} bytes) an Auth.js app sends as X-Auth-Secret to use /adapter ` +
          'as its database; unset: /adapter answers 404.',
      ),
  ),
};

export function adapterSettings(raw: ValuesOf<typeof ADAPTER_KEYS>): Readonly<AdapterSettings> {
  const value = raw.AUTHJS_ADAPTER_SECRET;
  return { authjsAdapter: value === undefined ? null : Object.freeze({ secret: value }) };
}
