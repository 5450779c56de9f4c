import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createVerifier } from '../clients/verify/src';
import { createFixtures, type Fixtures } from './fixtures';
import { measureScenario, type ScenarioResult } from './load';
import type { BenchOptions } from './options';
import { APP, runToCompletion, stopProcess } from './processes';
import * as scenarios from './scenarios';
import { startServer } from './servers';

const ALGORITHMS = ['RS256', 'ES256'] as const;
const ISSUER = 'https://auth.bench.example';
const VERIFY_SECONDS = 2;

export interface KeysSummary {
  /** `GET /auth/user` under each algorithm, over HS256 in the same run. */
  userRatioToHs256: Record<(typeof ALGORITHMS)[number], number>;
  /** clients/verify verify() calls per second in the bench process (signature checked every call). */
  verifierPerSecond: Record<(typeof ALGORITHMS)[number], number>;
}

/** verify() of one token in a loop for VERIFY_SECONDS (the JWKS fetched once, before timing). */
async function verifierRate(fixtures: Fixtures): Promise<number> {
  const verifier = createVerifier({ issuer: ISSUER, jwksUrl: `${fixtures.baseUrl}/.well-known/jwks.json` });
  await verifier.verify(fixtures.validAccessToken);
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < VERIFY_SECONDS * 1000) {
    await verifier.verify(fixtures.validAccessToken);
    count += 1;
  }
  return count / ((performance.now() - started) / 1000);
}

/**
 * `GET /auth/user` with RS256 and ES256 keys from the signing_keys table (made by `--create`),
 * next to HS256, and the in-process rate of clients/verify's verify() against each server's JWKS.
 */
export async function measureAsymmetric(
  env: NodeJS.ProcessEnv,
  options: BenchOptions,
  hs256User: ScenarioResult,
): Promise<{ results: ScenarioResult[]; summary: KeysSummary }> {
  const results: ScenarioResult[] = [];
  const userRatioToHs256 = { RS256: 0, ES256: 0 };
  const verifierPerSecond = { RS256: 0, ES256: 0 };
  for (const algorithm of ALGORITHMS) {
    const keyEnv = {
      ...env,
      JWT_ALGORITHM: algorithm,
      JWT_ISSUER: ISSUER,
      KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    };
    // `--create` generates the algorithm's first key (the other algorithm's key only verifies).
    await runToCompletion(`app.js --create (${algorithm})`, [APP, '--create'], keyEnv);
    const server = await startServer(keyEnv);
    try {
      const fixtures = await createFixtures(server.baseUrl);
      const result = await measureScenario(
        scenarios.userScenario(fixtures, `GET /auth/user, ${algorithm}`),
        options,
        server.process.pid,
      );
      results.push(result);
      userRatioToHs256[algorithm] = result.requestsPerSecond / hs256User.requestsPerSecond;
      verifierPerSecond[algorithm] = await verifierRate(fixtures);
    } finally {
      await stopProcess(server.process);
    }
  }
  return { results, summary: { userRatioToHs256, verifierPerSecond } };
}
