import Joi from 'joi';
import { optional, withDefault, type ValuesOf } from './declare';
import type { ENVIRONMENT_KEYS } from './environment';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ObservabilitySettings {
  logLevel: LogLevel;
  metrics: {
    enabled: boolean;
    /** null: GET /metrics on the main port; a number: only on this port, bound to `host`. */
    port: number | null;
    host: string;
  };
}

/** Logs and Prometheus metrics. */
export const OBSERVABILITY_KEYS = {
  LOG_LEVEL: withDefault(
    Joi.string<LogLevel>()
      .valid(...LOG_LEVELS)
      .description('pino log level; silent logs nothing.'),
    'info',
  ),
  METRICS_ENABLED: optional(
    Joi.boolean().description(
      'Prometheus metrics; unset: on, except in production without METRICS_PORT (never public by default). ' +
        'true in production without METRICS_PORT puts them on the public port.',
    ),
  ),
  // 0 picks a free port, like PORT=0; any other value must not be the public port.
  METRICS_PORT: optional(
    Joi.number()
      .integer()
      .min(0)
      .max(65535)
      .when('PORT', { is: Joi.number().greater(0), then: Joi.number().invalid(Joi.ref('PORT')) })
      .messages({ 'any.invalid': '{{#label}} must differ from PORT' })
      .description(
        'Unset: GET /metrics on PORT. Set: /metrics only on this port, never on PORT ' +
          '(with --workers, metrics exist only when set).',
      ),
  ),
  // Loopback by default: metrics reveal traffic and failure rates, so only opt in to a wider bind.
  METRICS_HOST: withDefault(
    Joi.string()
      .hostname()
      .description('Interface the METRICS_PORT listener binds to; loopback by default, so only local scrapers see it.'),
    '127.0.0.1',
  ),
};

export function observabilitySettings(
  raw: ValuesOf<typeof OBSERVABILITY_KEYS & typeof ENVIRONMENT_KEYS>,
): Readonly<ObservabilitySettings> {
  return {
    logLevel: raw.LOG_LEVEL,
    metrics: Object.freeze({
      // Unset in production without METRICS_PORT: off, so the public port never serves /metrics by default.
      enabled: raw.METRICS_ENABLED ?? !(raw.NODE_ENV === 'production' && raw.METRICS_PORT === undefined),
      port: raw.METRICS_PORT ?? null,
      host: raw.METRICS_HOST,
    }),
  };
}
