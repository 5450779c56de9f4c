import Joi from 'joi';
import { withDefault } from './declare';

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

/** Which environment this is; other sections' rules depend on it (`.when('NODE_ENV', …)`). */
export const ENVIRONMENT_KEYS = {
  NODE_ENV: withDefault(
    Joi.string<NodeEnv>()
      .valid(...NODE_ENVS)
      .description('Which rules apply: production requires a strong JWT_SECRET and Secure cookies.'),
    'development',
  ),
};
