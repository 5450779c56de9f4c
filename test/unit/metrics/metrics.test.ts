import { expect } from 'chai';
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/logger';
import { createMetrics, processMetricsRegistry } from '../../../src/metrics/metrics';
import { silentLogger } from '../../support/config';
import { sampleValue } from '../../support/metrics';

/** A logger whose JSON lines land in `lines`. */
function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ logLevel: 'info' }, destination), lines };
}

describe('createMetrics', () => {
  it('counts 429 answers as rate-limit hits by route, and only those', () => {
    const metrics = createMetrics({ countLiveBlockedTokens: () => Promise.resolve(0), logger: silentLogger });
    metrics.observeRequest('POST', '/auth/login', 429, 0.001);
    metrics.observeRequest('POST', '/auth/login', 429, 0.001);
    metrics.observeRequest('POST', '/auth/signup', 429, 0.001);
    metrics.observeRequest('POST', '/auth/signup', 201, 0.001);

    return metrics.render().then((text) => {
      expect(sampleValue(text, 'auth_rate_limit_hits_total', { route: '/auth/login' })).to.equal(2);
      expect(sampleValue(text, 'auth_rate_limit_hits_total', { route: '/auth/signup' })).to.equal(1);
      expect(sampleValue(text, 'auth_logins_total', { outcome: 'failure' })).to.equal(0);
    });
  });

  it('keeps one registry per app and shares the process metrics', async () => {
    const deps = { countLiveBlockedTokens: () => Promise.resolve(0), logger: silentLogger };
    const first = createMetrics(deps);
    const second = createMetrics(deps);
    first.countRevocation('logout');
    expect(first.registry).to.not.equal(second.registry);
    expect(sampleValue(await second.render(), 'auth_revocations_total', { reason: 'logout' })).to.equal(undefined);
    expect(processMetricsRegistry()).to.equal(processMetricsRegistry());
  });

  it('samples the blocklist size as NaN, and logs why, when the count fails', async () => {
    const { logger, lines } = capturingLogger();
    const metrics = createMetrics({
      countLiveBlockedTokens: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:3306')),
      logger,
    });
    expect(sampleValue(await metrics.render(), 'auth_blocklist_size')).to.be.NaN;
    expect(lines.map((line) => line.msg)).to.deep.equal(['blocklist size not sampled']);
  });

  it('does not hang a scrape when the count never answers: NaN after at most a second', async () => {
    const { logger, lines } = capturingLogger();
    const metrics = createMetrics({ countLiveBlockedTokens: () => new Promise<number>(() => undefined), logger });
    const startedAt = Date.now();
    expect(sampleValue(await metrics.render(), 'auth_blocklist_size')).to.be.NaN;
    expect(Date.now() - startedAt).to.be.within(900, 1500);
    expect(lines[0]?.msg).to.equal('blocklist size not sampled: MySQL did not answer in time');
  });

  it('counts at most once per interval however often it is scraped', async () => {
    let counts = 0;
    const metrics = createMetrics({
      countLiveBlockedTokens: () => {
        counts += 1;
        return Promise.resolve(counts * 10);
      },
      logger: silentLogger,
    });
    const texts = await Promise.all([metrics.render(), metrics.render(), metrics.render()]);
    expect(texts.map((text) => sampleValue(text, 'auth_blocklist_size'))).to.deep.equal([10, 10, 10]);
    expect(counts).to.equal(1);
  });
});
