import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../src/config';

describe('loadConfig: metrics', () => {
  it('defaults to metrics on, served on the main port, a separate listener binding loopback', () => {
    expect(loadConfig({}).metrics).to.deep.equal({ enabled: true, port: null, host: '127.0.0.1' });
  });

  it('defaults to metrics off in production without METRICS_PORT, so the public port never serves them', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'k'.repeat(8) + 'abcdefghijklmnopqrstuvwxyz012345' };
    expect(loadConfig(production).metrics.enabled).to.equal(false);
    expect(loadConfig({ ...production, METRICS_PORT: '9464' }).metrics.enabled).to.equal(true);
    expect(loadConfig({ ...production, METRICS_ENABLED: 'true' }).metrics).to.include({ enabled: true, port: null });
  });

  it('reads METRICS_ENABLED, METRICS_PORT and METRICS_HOST', () => {
    const config = loadConfig({ METRICS_ENABLED: 'false', METRICS_PORT: '9464', METRICS_HOST: '10.0.0.5' });
    expect(config.metrics).to.deep.equal({ enabled: false, port: 9464, host: '10.0.0.5' });
  });

  it('refuses a METRICS_PORT equal to PORT, which would put /metrics back on the public port', () => {
    expect(() => loadConfig({ PORT: '8080', METRICS_PORT: '8080' })).to.throw(
      ConfigError,
      'METRICS_PORT must differ from PORT',
    );
  });

  it('accepts METRICS_PORT=0 (a free port) next to PORT=0', () => {
    expect(loadConfig({ PORT: '0', METRICS_PORT: '0' }).metrics.port).to.equal(0);
  });

  it('refuses a METRICS_ENABLED that is not a boolean', () => {
    expect(() => loadConfig({ METRICS_ENABLED: 'maybe' })).to.throw(ConfigError, 'METRICS_ENABLED');
  });
});
