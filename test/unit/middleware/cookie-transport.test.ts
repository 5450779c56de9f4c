import { expect } from 'chai';
import { cookieNames } from '../../../src/middleware/cookie-transport';

describe('cookieNames', () => {
  it('uses __Host- for the root-path cookies and __Secure- for the refresh cookie when Secure and host-only', () => {
    expect(cookieNames({ secure: true, domain: null })).to.deep.equal({
      access: '__Host-access_token',
      refresh: '__Secure-refresh_token',
      csrf: '__Host-csrf_token',
    });
  });

  it('uses __Secure- for every cookie with a Domain, which __Host- forbids', () => {
    expect(cookieNames({ secure: true, domain: 'example.com' })).to.deep.equal({
      access: '__Secure-access_token',
      refresh: '__Secure-refresh_token',
      csrf: '__Secure-csrf_token',
    });
  });

  it('uses no prefix without Secure, since browsers reject prefixed cookies that are not Secure', () => {
    expect(cookieNames({ secure: false, domain: null })).to.deep.equal({
      access: 'access_token',
      refresh: 'refresh_token',
      csrf: 'csrf_token',
    });
  });
});
