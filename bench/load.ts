import { existsSync } from 'node:fs';
import autocannon from 'autocannon';
import type { BenchOptions } from './options';
import { samplePeakRss, treeCpuSeconds, waitUntilIdle } from './proc';

/** What autocannon sends: a URL plus either fixed request parts or per-request/per-connection hooks. */
export type LoadTarget = Pick<autocannon.Options, 'url' | 'method' | 'headers' | 'body' | 'requests' | 'setupClient'>;

export interface Scenario {
  name: string;
  /** The status every response should have; any other counts as unexpected. */
  expectedStatus: number;
  /** Called before every run (and the warm-up), so a run can get fresh state, e.g. refresh chains. */
  prepare(): Promise<LoadTarget> | LoadTarget;
  /**
   * Unrecorded load before the runs, so the JIT has compiled the path being measured; 0 for none.
   * Read-only scenarios warm up 1 s. Refresh warms up longer: its path (Sequelize, mysql2) runs a
   * few hundred times a second, and its first runs used to measure the compiler (2.5 ms per
   * refresh in a first 10 s run, 1.4 ms in the next ones, 2026-12-01). Login and signup do not:
   * bcrypt, in C++, is their cost.
   */
  warmupSeconds: number;
}

export interface RunMeasurement {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  responses: number;
  /** Responses whose status was not the expected one. */
  unexpected: number;
  /** Connection errors and timeouts. */
  errors: number;
  peakRssBytes: number;
  /** Server CPU time (all its processes, user + system) per response: the cost, whatever the load generator. */
  cpuMicrosPerResponse: number;
  seconds: number;
}

export interface ScenarioResult extends Omit<RunMeasurement, 'responses' | 'seconds'> {
  name: string;
  expectedStatus: number;
  runs: RunMeasurement[];
}

export interface RunSettings {
  connections: number;
  durationSeconds: number;
  /** Ends the run early when it settles (the purge run lasts as long as the purge). */
  stopWhen?: Promise<unknown>;
}

function fire(options: autocannon.Options, stopWhen?: Promise<unknown>): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error: unknown, result: autocannon.Result) => {
      if (error === null || error === undefined) resolve(result);
      else reject(error instanceof Error ? error : new Error(`autocannon failed: ${JSON.stringify(error)}`));
    });
    void stopWhen?.finally(() => {
      instance.stop();
    });
  });
}

/** One autocannon run against `target`, sampling the peak RSS of the process tree of `serverPid`. */
export async function measureRun(
  target: LoadTarget,
  expectedStatus: number,
  settings: RunSettings,
  serverPid: number,
): Promise<RunMeasurement> {
  const rss = samplePeakRss(serverPid);
  const cpuBefore = treeCpuSeconds(serverPid);
  let result: autocannon.Result;
  let peakRssBytes: number;
  try {
    result = await fire(
      { ...target, connections: settings.connections, duration: settings.durationSeconds },
      settings.stopWhen,
    );
  } finally {
    peakRssBytes = rss.stop();
  }
  const cpuSeconds = treeCpuSeconds(serverPid) - cpuBefore;
  if (!existsSync(`/proc/${serverPid}`)) throw new Error(`the server (pid ${serverPid}) exited during the run`);
  const statusCounts = Object.entries(result.statusCodeStats ?? {}).map(([status, stats]) => ({
    status: Number(status),
    count: stats.count ?? 0,
  }));
  const countWhere = (keep: (status: number) => boolean): number =>
    statusCounts.reduce((sum, { status, count }) => sum + (keep(status) ? count : 0), 0);
  const responses = countWhere(() => true);
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    responses,
    unexpected: countWhere((status) => status !== expectedStatus),
    errors: result.errors,
    peakRssBytes,
    cpuMicrosPerResponse: responses === 0 ? NaN : (cpuSeconds * 1e6) / responses,
    seconds: result.duration,
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[middle] ?? NaN;
  return ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

/** Medians of the runs' throughput and latencies; the highest RSS; unexpected and errors summed. */
export function summarise(name: string, expectedStatus: number, runs: RunMeasurement[]): ScenarioResult {
  const sum = (pick: (run: RunMeasurement) => number): number => runs.reduce((total, run) => total + pick(run), 0);
  return {
    name,
    expectedStatus,
    runs,
    requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)),
    p50Ms: median(runs.map((run) => run.p50Ms)),
    p99Ms: median(runs.map((run) => run.p99Ms)),
    peakRssBytes: Math.max(...runs.map((run) => run.peakRssBytes)),
    cpuMicrosPerResponse: median(runs.map((run) => run.cpuMicrosPerResponse)),
    unexpected: sum((run) => run.unexpected),
    errors: sum((run) => run.errors),
  };
}

/** Longest wait for the server to finish the previous run's abandoned requests. */
const DRAIN_TIMEOUT_MS = 60_000;

/** Resolves once the server is idle; says so when it is still busy after the timeout. */
export async function waitForServerIdle(serverPid: number): Promise<void> {
  if (!(await waitUntilIdle(serverPid, DRAIN_TIMEOUT_MS))) {
    console.error(`  warning: the server was still busy after ${DRAIN_TIMEOUT_MS / 1000} s; measuring anyway`);
  }
}

/**
 * An optional warm-up, then `options.runs` runs of `options.durationSeconds`, each one starting once
 * the server has finished the previous run's requests.
 */
export async function measureScenario(
  scenario: Scenario,
  options: BenchOptions,
  serverPid: number,
): Promise<ScenarioResult> {
  const settings = { connections: options.connections, durationSeconds: options.durationSeconds };
  if (scenario.warmupSeconds > 0) {
    const warmup = { ...settings, durationSeconds: scenario.warmupSeconds };
    await measureRun(await scenario.prepare(), scenario.expectedStatus, warmup, serverPid);
  }
  const runs: RunMeasurement[] = [];
  for (let run = 1; run <= options.runs; run += 1) {
    const target = await scenario.prepare();
    await waitForServerIdle(serverPid);
    const measured = await measureRun(target, scenario.expectedStatus, settings, serverPid);
    runs.push(measured);
    const unexpected = measured.unexpected + measured.errors;
    console.error(
      `  ${scenario.name} [${run}/${options.runs}]: ${measured.requestsPerSecond.toFixed(0)} req/s, ` +
        `p99 ${measured.p99Ms} ms${unexpected > 0 ? `, ${unexpected} unexpected` : ''}`,
    );
  }
  return summarise(scenario.name, scenario.expectedStatus, runs);
}
