import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import { ERRORS } from '../../../src/errors/catalogue';
import { renderErrorReference } from '../../../src/errors/error-reference';
import { absolutePath, formattedReferenceDoc, REFERENCE_DOCS } from '../../../scripts/reference-docs';

describe('generated reference pages', () => {
  for (const doc of REFERENCE_DOCS) {
    it(`${doc.file} is what \`npm run docs:generate\` writes (run it after changing its source)`, async () => {
      const committed = await readFile(absolutePath(doc), 'utf8');
      expect(committed).to.equal(await formattedReferenceDoc(doc), `${doc.file} is stale`);
    });
  }
});

describe('docs/reference/errors.md', () => {
  const rows = renderErrorReference()
    .split('\n')
    .filter((line) => /^\| \d{3} \|/.test(line));

  it('has one row per catalogue code, with its status, in status order', () => {
    const listed = rows.map((row) => /^\| (\d{3}) \| `(\w+)` \|/.exec(row)?.slice(1));
    const expected = Object.entries(ERRORS)
      .map(([code, entry]) => [String(entry.status), code])
      .sort(([first], [second]) => Number(first) - Number(second));
    expect(listed).to.deep.equal(expected);
  });

  it('says for every code when it happens and what the client should do', () => {
    for (const [code, entry] of Object.entries(ERRORS)) {
      expect(entry.when.trim(), code).to.match(/\.$/);
      expect(entry.clientAction.trim(), code).to.match(/\.$/);
    }
  });
});
