import { expect } from 'chai';
import { describeListenError, type ListenTarget } from '../../src/listen';

const main: ListenTarget = { host: '10.0.0.1', port: 80, hostKey: 'HOST', portKey: 'PORT' };
const metrics: ListenTarget = {
  host: 'metrics.internal',
  port: 9464,
  hostKey: 'METRICS_HOST',
  portKey: 'METRICS_PORT',
};
const failure = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`listen ${code}`), { code });

describe('describeListenError', () => {
  const cases: Array<[string, ListenTarget, RegExp]> = [
    [
      'EADDRINUSE',
      main,
      /^PORT=80: the port is already in use on 10\.0\.0\.1; .*set PORT to a free port \[EADDRINUSE\]$/,
    ],
    ['EACCES', main, /^PORT=80: no permission .*set PORT to 1024 or above \[EACCES\]$/],
    ['EADDRNOTAVAIL', main, /^HOST=10\.0\.0\.1: not an address of this machine; set HOST .*\[EADDRNOTAVAIL\]$/],
    [
      'ENOTFOUND',
      metrics,
      /^METRICS_HOST=metrics\.internal: the name does not resolve; set METRICS_HOST .*\[ENOTFOUND\]$/,
    ],
    ['EAI_AGAIN', metrics, /^METRICS_HOST=metrics\.internal: .*set METRICS_HOST to an IP address \[EAI_AGAIN\]$/],
    ['EAFNOSUPPORT', main, /^HOST=10\.0\.0\.1: .*address family.*set HOST to an IPv4 address \[EAFNOSUPPORT\]$/],
  ];
  for (const [code, target, expected] of cases) {
    it(`names ${target.portKey} or ${target.hostKey} for ${code}`, () => {
      expect(describeListenError(failure(code), target)).to.match(expected);
    });
  }

  it('names both keys and the cause for a code it has no hint for', () => {
    expect(describeListenError(failure('EWHATEVER'), metrics)).to.equal(
      'cannot listen on METRICS_HOST:METRICS_PORT = metrics.internal:9464: listen EWHATEVER',
    );
    expect(describeListenError('odd', main)).to.equal('cannot listen on HOST:PORT = 10.0.0.1:80: odd');
  });
});
