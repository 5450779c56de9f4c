import request from 'supertest';
import type { Logger } from 'pino';
import { createApp } from '../../src/server';
import { silentLogger, testConfig } from './config';

/**
 * The value of one sample in Prometheus text, or undefined when there is none. `labels` must list
 * every label of the sample, in any order.
 */
export function sampleValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match?.[1] !== name || match[3] === undefined) continue;
    const found = (match[2] ?? '')
      .split(/,(?=[a-zA-Z_]+=")/)
      .filter(Boolean)
      .sort()
      .join(',');
    if (found === wanted) return Number(match[3]);
  }
  return undefined;
}

/** One app kept across requests, so its counters accumulate; `scrape` reads its GET /metrics. */
export function metricsApi(overrides: Record<string, string> = {}, logger: Logger = silentLogger) {
  const agent = request(createApp({ config: testConfig(overrides), logger }).callback());
  return {
    agent,
    scrape: async (): Promise<string> => (await agent.get('/metrics').expect(200)).text,
  };
}
