import { expect } from 'chai';
import {
  mismatch,
  parseShownAnswer,
  shownErrorCodes,
  unmarkedCurlBlocks,
  walkthroughGroups,
} from '../../support/doc-pages';

describe('the walkthrough reading of a page (test/support/doc-pages.ts)', () => {
  it('reads marked blocks, their server line and the answers shown after them', () => {
    const page = [
      '<!-- walkthrough: demo server -->',
      '',
      '```sh',
      'COOKIE_MODE=true npm start',
      '```',
      '<!-- walkthrough: demo -->',
      '```sh',
      "curl -sS -w '\\n' http://127.0.0.1:3000/auth/ping",
      '```',
      'It prints:',
      '```text',
      '{"status":"success","message":…}',
      '```',
      '<!-- walkthrough: demo -->',
      '```sh',
      'true',
      '```',
      '## Next',
      '```text',
      'not an answer of the block above',
      '```',
    ].join('\n');
    const [group] = walkthroughGroups('page.md', page);
    expect(group?.serverSettings).to.deep.equal({ COOKIE_MODE: 'true' });
    expect(group?.blocks.map((block) => [block.line, block.answers])).to.deep.equal([
      [7, ['{"status":"success","message":…}']],
      [15, []],
    ]);
  });

  it('finds a curl block without a marker', () => {
    const page = '```sh\necho\n```\n\n```sh\ncurl http://127.0.0.1:3000/\n```\n';
    expect(unmarkedCurlBlocks(page)).to.deep.equal([5]);
  });

  it('matches `…` for any value, a prefix before `…`, alternatives of codes, and exactly the shown keys', () => {
    const shown = parseShownAnswer('{"a":…,"token":"eyJ…","error":{"code":"UNAUTHENTICATED|TOKEN_REVOKED"}}');
    expect(mismatch({ a: [1], token: 'eyJhbG', error: { code: 'TOKEN_REVOKED' } }, shown)).to.equal(null);
    expect(mismatch({ a: 1, token: 'xeyJ', error: { code: 'TOKEN_REVOKED' } }, shown)).to.match(/token/);
    expect(mismatch({ a: 1, token: 'eyJ', error: { code: 'TOKEN_INVALID' } }, shown)).to.match(/code/);
    expect(mismatch({ a: 1, token: 'eyJ', error: { code: 'TOKEN_REVOKED' }, b: 2 }, shown)).to.match(/keys/);
    expect(mismatch([1, 2], [1])).to.match(/\$/);
    expect(mismatch(900, 901)).to.match(/shown 901/);
    expect(shownErrorCodes(shown)).to.deep.equal(['UNAUTHENTICATED', 'TOKEN_REVOKED']);
    expect(shownErrorCodes({ message: 'Logged out' })).to.deep.equal([]);
  });
});
