import Joi from 'joi';

/**
 * One configuration key, declared once: its Joi rule carries the type, default, constraints, unit
 * (`.unit()`) and `.description()`; `T` is the value the server reads after validation, so the
 * TypeScript type of the raw config comes from the same declaration.
 */
export interface ConfigKey<T> {
  readonly schema: Joi.Schema<T>;
  /** A secret is never given a default, and .env.example leaves it empty. */
  readonly secret: boolean;
  /** `<KEY>_FILE` may name a file holding the value instead (Docker and Kubernetes secrets). */
  readonly fromFile: boolean;
}

/** A key that always has a value: `defaultValue` when unset. */
export function withDefault<T extends Joi.BasicType>(schema: Joi.Schema<T>, defaultValue: T): ConfigKey<T> {
  return { schema: schema.default(defaultValue), secret: false, fromFile: false };
}

/** A key that may stay unset: the server reads `undefined` and decides what that means. */
export function optional<T>(schema: Joi.Schema<T>): ConfigKey<T | undefined> {
  return { schema, secret: false, fromFile: false };
}

/**
 * A secret: optional here (its own rule may require it), never a default ("no default secrets"),
 * and readable from `<KEY>_FILE`, so that it need not sit in the environment of every process.
 */
export function secret<T>(schema: Joi.Schema<T>): ConfigKey<T | undefined> {
  return { schema, secret: true, fromFile: true };
}

/** A key that is not a secret as a whole but may hold one (a password inside a URL): also `<KEY>_FILE`. */
export function readableFromFile<T>(key: ConfigKey<T>): ConfigKey<T> {
  return { ...key, fromFile: true };
}

/** A configuration the server refuses: its message names every bad key it could find. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The validated values of a set of keys, by key. */
export type ValuesOf<Keys extends Record<string, ConfigKey<unknown>>> = {
  readonly [Name in keyof Keys]: Keys[Name] extends ConfigKey<infer T> ? T : never;
};
