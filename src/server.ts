import Koa from 'koa';
import type { Logger } from 'pino';
import type { Sequelize } from 'sequelize';
import type { Config } from './config';
import type { RedisConnections } from './db/redis';
import { createAccountController } from './controllers/account.controller';
import { createAdapterController } from './controllers/adapter.controller';
import { createAdminController } from './controllers/admin.controller';
import { createAuthController } from './controllers/auth.controller';
import { createDiscoveryController } from './controllers/discovery.controller';
import { createEmailController } from './controllers/email.controller';
import { createIntrospectionController } from './controllers/introspection.controller';
import { createHealthController } from './controllers/health.controller';
import { createAdapterSecretCheck } from './middleware/adapter-secret';
import { createOidcController } from './controllers/oidc.controller';
import { createBindingCookie } from './middleware/binding-cookie';
import { createAuthenticate } from './middleware/authenticate';
import { createClientAuthentication } from './middleware/client-auth';
import type { AppState } from './middleware/context';
import { createCookieTransport } from './middleware/cookie-transport';
import { createCors } from './middleware/cors';
import { createErrorHandler } from './middleware/error-handler';
import { checkHeaderFields } from './middleware/header-fields';
import { createRateLimits } from './middleware/rate-limit';
import { createRequestObserver } from './middleware/observe-request';
import { createMetrics, type Metrics } from './metrics/metrics';
import { requestId } from './middleware/request-id';
import { securityHeaders } from './middleware/security-headers';
import { boundSequelize } from './models';
import { buildOpenApiDocument } from './openapi/document';
import { createDatabase } from './repositories';
import { createAdapterRouter } from './routes/adapter.routes';
import { createAdminRouter } from './routes/admin.routes';
import { createAuthRouter } from './routes/auth.routes';
import { createDiscoveryRouter } from './routes/discovery.routes';
import { createEmailRouter } from './routes/email.routes';
import { createIntrospectionRouter } from './routes/introspection.routes';
import { createDocsRouter } from './routes/docs.routes';
import { createHealthRouter } from './routes/health.routes';
import { createMetricsRouter } from './routes/metrics.routes';
import { createOidcRouter } from './routes/oidc.routes';
import { createAccountService } from './services/account.service';
import { createAdapterService } from './services/adapter.service';
import { createAdminService } from './services/admin.service';
import { createAuthService } from './services/auth.service';
import { createDiscoveryService } from './services/discovery.service';
import { createEmailService } from './services/email.service';
import { createHealthService } from './services/health.service';
import { createIntrospectionService } from './services/introspection.service';
import { createKeyStore, type KeyStore } from './services/keys.service';
import { createOutbox } from './services/outbox.service';
import { createLinkedAccountsService } from './services/linked-accounts.service';
import { createMailer } from './services/mailer';
import { createOidcService } from './services/oidc.service';
import { createOidcProviders } from './services/oidc-providers';
import { createPasswordHasher } from './services/password.service';
import { createRateLimiter } from './services/rate-limit.service';
import { createRevocationCache, databaseRevocationSource } from './services/revocation-cache';
import { createRevocations } from './services/revocations';
import { createSessionService } from './services/session.service';
import { createTokenService } from './services/token.service';
import { createRouter } from './routes/router';

export interface AppDependencies {
  config: Readonly<Config>;
  logger: Logger;
  /** The instruments to record into: by default a fresh set; null for none. */
  metrics?: Metrics | null;
  /** Where the data lives: by default the instance the models were initialised on (see initModels). */
  sequelize?: Sequelize;
  /** Connections to the configured Redis (REDIS_URL), opened and closed by the caller; none by default. */
  redis?: RedisConnections | null;
  /** The signing and verification keys, loaded by the caller (serve waits for them); by default from config. */
  keys?: KeyStore;
}

/** The app's instruments: those given, else a fresh set; none when METRICS_ENABLED=false. */
export function appMetrics({ config, logger, metrics, sequelize }: AppDependencies): Metrics | null {
  if (!config.metrics.enabled) return null;
  if (metrics !== undefined) return metrics;
  const { blockedTokens } = createDatabase(sequelize ?? boundSequelize());
  return createMetrics({ countLiveBlockedTokens: () => blockedTokens.countLive(new Date()), logger });
}

/** Builds the Koa app with every route and middleware. It never listens: the caller does. */
export function createApp(dependencies: AppDependencies): Koa<AppState> {
  const { config, logger } = dependencies;
  const sequelize = dependencies.sequelize ?? boundSequelize();
  const redis = dependencies.redis ?? null;
  const database = createDatabase(sequelize);
  const metrics = appMetrics({ ...dependencies, sequelize });
  const passwords = createPasswordHasher(config.bcryptRounds);
  const sessions = createSessionService({ database, settings: config.sessions });
  const cache = createRevocationCache(databaseRevocationSource(database, sessions), {
    ...config.revocationCache,
    accessTokenTtlSeconds: config.jwt.expiresInSeconds,
  });
  const keys = dependencies.keys ?? createKeyStore(config, database.signingKeys, logger);
  const tokens = createTokenService(config.jwt, keys);
  const revocations = createRevocations({ cache, metrics, redis, logger, keys });
  const outbox = createOutbox(config.webhooks);
  const auth = createAuthService({ database, tokens, passwords, sessions, cache, revocations, outbox });
  const introspection = createIntrospectionService({
    database,
    auth,
    tokens,
    sessions,
    cache,
    revocations,
    jwt: config.jwt,
  });
  const account = createAccountService({ database, passwords, sessions, revocations });
  const admin = createAdminService({ database, sessions, revocations, outbox });
  const limitStore = redis === null ? { sequelize, queryTimeoutMs: config.databasePool.queryTimeoutMs } : { redis };
  const cookies = createCookieTransport(config.cookies);
  const limiter = createRateLimiter(config.rateLimits, limitStore);
  const authenticate = createAuthenticate(auth, cookies);
  const limits = createRateLimits(limiter, { login: (email, origin) => auth.recordLoginLockout(email, origin) });
  const router = createAuthRouter(
    createAuthController(auth, cookies),
    createAccountController(account, cookies),
    authenticate,
    limits,
  );
  const email = createEmailService({
    database,
    passwords,
    sessions,
    revocations,
    cache,
    mailer: createMailer(config.mail, config.env, logger),
    settings: config.mail,
    logger,
  });
  const emailRouter = createEmailRouter(createEmailController(email), authenticate, limits);
  const oidc = createOidcService({
    database,
    providers: createOidcProviders(config.oidc),
    settings: config.oidc,
    auth,
    outbox,
  });
  const oidcRouter = createOidcRouter(
    createOidcController(
      oidc,
      createLinkedAccountsService(database),
      cookies,
      createBindingCookie(config.cookies),
      logger,
    ),
    authenticate,
    limits,
  );
  const adminRouter = createAdminRouter(createAdminController(admin), authenticate);
  // Off unless configured: then /adapter is unrouted, and answers 404 like any unknown path.
  const adapter =
    config.authjsAdapter === null
      ? null
      : createAdapterRouter(
          createAdapterController(createAdapterService({ database, sessions, revocations, outbox })),
          createAdapterSecretCheck(config.authjsAdapter.secret, limiter),
        );

  // X-Forwarded-For only when configured: otherwise any client could pick its own IP, and so
  // its own rate-limit key. maxIpsCount keeps the hops our proxies added, not what the client sent.
  const app = new Koa<AppState>({ proxy: config.proxy.trusted, maxIpsCount: config.proxy.hops });
  app.use(requestId);
  app.use(createRequestObserver(logger, metrics));
  app.use(securityHeaders);
  // The error handler sits outside CORS, so that a request CORS answers itself (a preflight) has
  // had its header fields checked too; the CORS headers set on the way in stay on an error answer.
  app.use(createErrorHandler(logger));
  app.use(checkHeaderFields);
  const cors = createCors(config);
  if (cors !== null) app.use(cors);
  const introspectionRouter = createIntrospectionRouter(
    createIntrospectionController(introspection),
    createClientAuthentication(config.introspectionClients),
  );
  const discovery = createDiscoveryRouter(createDiscoveryController(createDiscoveryService(config, keys)));
  const health = createHealthRouter(createHealthController(createHealthService(sequelize, redis)));
  const docs = createDocsRouter(buildOpenApiDocument());
  // With METRICS_PORT set, the public port never serves /metrics: only the internal listener does.
  const scrapes = metrics !== null && config.metrics.port === null ? createMetricsRouter(metrics) : null;
  // One router holds every route: each request is matched once and answered 404/405/501 by one
  // allowedMethods, instead of passing a matcher and an allowedMethods per feature router.
  const routes = createRouter();
  for (const feature of [
    introspectionRouter,
    discovery,
    router,
    emailRouter,
    adminRouter,
    adapter,
    oidcRouter,
    health,
    docs,
    scrapes,
  ]) {
    if (feature !== null) routes.use(feature.routes());
  }
  app.use(routes.routes());
  app.use(routes.allowedMethods());
  return app;
}
