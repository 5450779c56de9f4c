import Koa from 'koa';
import bodyParser from 'koa-bodyparser';
import type { Logger } from 'pino';
import type { Config } from './config';
import { createAuthController } from './controllers/auth.controller';
import { createAuthenticate } from './middleware/authenticate';
import type { AppState } from './middleware/context';
import { createErrorHandler } from './middleware/error-handler';
import { requestId } from './middleware/request-id';
import { createAuthRouter } from './routes/auth.routes';
import { createAuthService } from './services/auth.service';
import { createPasswordHasher } from './services/password.service';
import { createTokenService } from './services/token.service';

export interface AppDependencies {
  config: Readonly<Config>;
  logger: Logger;
}

/** Builds the Koa app with every route and middleware. It never listens: the caller does. */
export function createApp({ config, logger }: AppDependencies): Koa<AppState> {
  const auth = createAuthService({
    tokens: createTokenService(config.jwt),
    passwords: createPasswordHasher(config.bcryptRounds),
  });
  const router = createAuthRouter(createAuthController(auth), createAuthenticate(auth));

  const app = new Koa<AppState>({ proxy: false });
  app.use(requestId);
  app.use(createErrorHandler(logger));
  // strict: false lets `null` or `[1]` through to validation, which names the problem.
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: '16kb', strict: false }));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
