import { expect } from 'chai';
import * as openid from 'openid-client';
import { AppError } from '../../../src/errors/app-error';
import { oidcFailureOf } from '../../../src/services/oidc-errors';

/** A ClientError as openid-client wraps a failed check: the check's facts are on the cause's cause. */
function clientError(code: string, claim?: string): openid.ClientError {
  const check = Object.assign(new Error('check failed'), { cause: { claim } });
  return Object.assign(new openid.ClientError('failed', { cause: check }), { code });
}

describe('oidcFailureOf', () => {
  const cases: Array<[string, unknown, ReturnType<typeof oidcFailureOf>]> = [
    [
      'our own OIDC error',
      new AppError('OIDC_EMAIL_UNVERIFIED'),
      { code: 'OIDC_EMAIL_UNVERIFIED', providerError: null },
    ],
    ['a non-OIDC error of ours (the database)', new AppError('SERVICE_UNAVAILABLE'), null],
    ['an unexpected error', new Error('boom'), null],
    ['the network', new TypeError('fetch failed'), { code: 'OIDC_PROVIDER_UNAVAILABLE', providerError: null }],
    ['a timeout', clientError('OAUTH_TIMEOUT'), { code: 'OIDC_PROVIDER_UNAVAILABLE', providerError: null }],
    [
      'another nonce',
      clientError('OAUTH_JWT_CLAIM_COMPARISON_FAILED', 'nonce'),
      { code: 'OIDC_NONCE_INVALID', providerError: null },
    ],
    [
      'another audience',
      clientError('OAUTH_JWT_CLAIM_COMPARISON_FAILED', 'aud'),
      { code: 'OIDC_ID_TOKEN_INVALID', providerError: null },
    ],
    [
      'an expired ID token',
      clientError('OAUTH_JWT_TIMESTAMP_CHECK_FAILED', 'exp'),
      { code: 'OIDC_ID_TOKEN_INVALID', providerError: null },
    ],
    ['a bad signature', clientError('OAUTH_INVALID_RESPONSE'), { code: 'OIDC_ID_TOKEN_INVALID', providerError: null }],
    [
      'a non-JSON answer',
      clientError('OAUTH_RESPONSE_IS_NOT_JSON'),
      { code: 'OIDC_PROVIDER_ERROR', providerError: 'invalid_response' },
    ],
  ];
  for (const [name, error, expected] of cases) {
    it(`maps ${name}`, () => {
      expect(oidcFailureOf(error)).to.deep.equal(expected);
    });
  }

  it("maps the provider's access_denied, and echoes another error value only when it is a plain OAuth value", () => {
    const response = (error: string) =>
      new openid.AuthorizationResponseError('error', { cause: new URLSearchParams({ error }) });
    expect(oidcFailureOf(response('access_denied'))).to.deep.equal({ code: 'OIDC_ACCESS_DENIED', providerError: null });
    expect(oidcFailureOf(response('temporarily_unavailable'))).to.deep.equal({
      code: 'OIDC_PROVIDER_ERROR',
      providerError: 'temporarily_unavailable',
    });
    expect(oidcFailureOf(response('<script>'))).to.deep.equal({
      code: 'OIDC_PROVIDER_ERROR',
      providerError: 'invalid_error',
    });
  });
});
