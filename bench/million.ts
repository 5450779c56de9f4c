import { fillBlocklist, MILLION, type FillResult } from './fill-blocklist';
import type { Fixtures } from './fixtures';
import { measureRun, measureScenario, summarise, type ScenarioResult } from './load';
import type { BenchOptions } from './options';
import { waitUntilMachineQuiet } from './proc';
import { userScenario } from './scenarios';
import { runPurge, type RunningServer } from './servers';

export interface MillionRowsResult {
  liveFill: FillResult;
  /** `GET /auth/user` with a million live rows in blocked_tokens. */
  user: ScenarioResult;
  expiredFill: FillResult;
  /** One `GET /auth/user` run that lasts exactly as long as `app.js --purge`. */
  duringPurge: ScenarioResult;
  purgeSeconds: number;
  purgeOutput: string;
}

const QUIET_TIMEOUT_MS = 60_000;

/** Fills the blocklist, then waits for MySQL to finish digesting the rows (page flushes, purge). */
async function fill(databaseUrl: string, expired: boolean): Promise<FillResult> {
  const filled = await fillBlocklist(databaseUrl, { rows: MILLION, expired });
  const started = Date.now();
  const quiet = await waitUntilMachineQuiet(QUIET_TIMEOUT_MS);
  console.error(
    `  filled ${filled.rows} ${expired ? 'expired' : 'live'} blocked_tokens rows in ${filled.seconds.toFixed(1)} s; ` +
      (quiet ? `machine quiet ${((Date.now() - started) / 1000).toFixed(1)} s later` : 'machine still busy after 60 s'),
  );
  return filled;
}

/** Longest the purge run may last; a purge slower than this is a finding in itself. */
const PURGE_RUN_LIMIT_SECONDS = 300;

/**
 * A million live blocklist rows, then `GET /auth/user` again; then a million expired rows, and one
 * `GET /auth/user` run while `app.js --purge` deletes them.
 */
export async function measureMillionRows(
  server: RunningServer,
  fixtures: Fixtures,
  env: NodeJS.ProcessEnv,
  options: BenchOptions,
): Promise<MillionRowsResult> {
  const databaseUrl = env.DATABASE_URL ?? '';
  const liveFill = await fill(databaseUrl, false);
  const scenario = userScenario(fixtures, 'GET /auth/user, 1M live blocked rows');
  const user = await measureScenario(scenario, options, server.process.pid);

  const expiredFill = await fill(databaseUrl, true);
  const purge = runPurge(env);
  const settings = { connections: options.connections, durationSeconds: PURGE_RUN_LIMIT_SECONDS, stopWhen: purge };
  const target = await scenario.prepare();
  const run = await measureRun(target, 200, settings, server.process.pid);
  const purged = await purge;
  console.error(`  ${purged.output} in ${purged.seconds.toFixed(1)} s; p99 meanwhile ${run.p99Ms} ms`);
  return {
    liveFill,
    user,
    expiredFill,
    duringPurge: summarise('GET /auth/user during --purge of 1M expired rows', 200, [run]),
    purgeSeconds: purged.seconds,
    purgeOutput: purged.output,
  };
}
