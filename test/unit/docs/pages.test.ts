import { readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { createApp } from '../../../src/server';
import { silentLogger, testConfig } from '../../support/config';
import { readPage, ROOT, walkthroughGroups } from '../../support/doc-pages';
import { routedOperations } from '../../support/openapi';

/** The README is a front door: what it does not hold lives in docs/. */
const README_MAX_BYTES = 12 * 1024;

/** The routes a page's tables list, as `METHOD /path` with `:id` written `{id}`. */
function listedRoutes(markdown: string): string[] {
  return [...markdown.matchAll(/^\| `([A-Z]+ \/[^`]*)` +\|/gm)].map(([, route = '']) =>
    // A row may show the query it takes (`GET /auth/oidc/:provider/login?redirect_to=`): the route is the path.
    route.replace(/\?.*$/, '').replace(/:(\w+)/g, '{$1}'),
  );
}

/** The part of a page between the bench markers, trimmed. */
function benchSection(markdown: string): string {
  const start = markdown.indexOf('<!-- bench:start -->');
  const end = markdown.indexOf('<!-- bench:end -->');
  expect(start, 'the bench markers').to.be.greaterThan(-1).and.lessThan(end);
  return markdown.slice(start + '<!-- bench:start -->'.length, end).trim();
}

describe('docs: README.md, the reference pages and the chapters', () => {
  it(`README.md is at most ${README_MAX_BYTES} bytes`, () => {
    expect(Buffer.byteLength(readPage('README.md'))).to.be.at.most(README_MAX_BYTES);
  });

  // README keeps the core routes; a feature with many (the Auth.js adapter) keeps its table on its
  // reference page, which README links. Together they list every route, and none that does not exist.
  it('README.md and the reference pages list every route the server has, and no other', () => {
    const routed = routedOperations(createApp({ config: testConfig(), logger: silentLogger }));
    const pages = [
      'README.md',
      ...readdirSync(path.join(ROOT, 'docs/reference')).map((file) => `docs/reference/${file}`),
    ];
    const listed = pages.filter((page) => page.endsWith('.md')).flatMap((page) => listedRoutes(readPage(page)));
    expect([...new Set(listed)].sort()).to.deep.equal([...new Set(routed)].sort());
  });

  it('docs/reference/benchmarks.md shows the latest bench results (npm run bench -- --docs writes both)', () => {
    const latest = readPage('bench/results/latest.md')
      .replace(/^# Benchmark results\n/, '')
      .trim();
    expect(benchSection(readPage('docs/reference/benchmarks.md'))).to.equal(latest);
  });

  describe('docs/learn chapters', () => {
    const chapters = readdirSync(path.join(ROOT, 'docs', 'learn'))
      .filter((file) => /^\d\d-.+\.md$/.test(file))
      .sort();

    it('are numbered 01 to 09, each linked from README.md and docs/learn/README.md', () => {
      expect(chapters.map((file) => file.slice(0, 2))).to.deep.equal([
        '01',
        '02',
        '03',
        '04',
        '05',
        '06',
        '07',
        '08',
        '09',
      ]);
      for (const file of chapters) {
        expect(readPage('README.md'), file).to.include(`(docs/learn/${file})`);
        expect(readPage('docs/learn/README.md'), file).to.include(`(${file})`);
      }
    });

    for (const file of chapters) {
      const page = `docs/learn/${file}`;
      it(`${page} starts from a question and has a diagram, code links, replayed requests and exercises with answers`, () => {
        const markdown = readPage(page);
        expect(markdown.split('\n', 1)[0], 'title').to.match(/^# \d\. /);
        const question = /^> \*\*Question:\*\* (?:.+\n>)*.*$/m.exec(markdown)?.[0] ?? '';
        expect(question, 'the question it starts from').to.match(/\?$/);
        expect(markdown, 'a Mermaid diagram').to.include('```mermaid\n');
        expect(markdown.match(/\]\((\.\.\/)+src\/[^)]+\.ts\)/g) ?? [], 'links into src/').to.have.length.of.at.least(2);
        const blocks = walkthroughGroups(page, markdown).flatMap((group) => group.blocks);
        expect(blocks, 'blocks the walkthrough replays').not.to.be.empty;
        const exercises = markdown.slice(markdown.indexOf('\n## Exercises\n'));
        expect(markdown, 'an Exercises section').to.include('\n## Exercises\n');
        expect(exercises.match(/<details>/g) ?? [], 'answers, folded').to.have.length.within(2, 3);
      });
    }
  });
});
