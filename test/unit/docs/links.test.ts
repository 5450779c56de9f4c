import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { CONFIG_SECTIONS, configKeysFor } from '../../../src/config';
import { keyFacts } from '../../../src/config/config-reference';
import { ERRORS } from '../../../src/errors/catalogue';
import { markdownPages, readPage, ROOT } from '../../support/doc-pages';

/** `[text](target)` outside code spans; the target up to a space or the closing parenthesis. */
const LINK = /\[([^\]]*)\]\(([^)\s]+)\)/g;
/** A repository path written in the text: `src/…`, `test/…` and the like, not inside a longer path. */
const REPOSITORY_PATH = /(?<![\w./@-])(?:src|test|bench|scripts|migrations|seeders|docs|postman)\/[\w./-]*[\w/]/g;
/** An inline code span naming something in capitals: `JWT_SECRET`, `TOKEN_REVOKED`, `COOKIE_MODE=true`. */
const CAPITAL_NAME = /`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?:=[^`]*)?`/g;
/** "`KEY` (default 5)", "`KEY`, default **1000 ms**", "`KEY` (default 90 days)": a default a page states. */
const STATED_DEFAULT =
  /`([A-Z][A-Z0-9_]+)`[^`.;]{0,40}?\bdefault\s+\**(\d[\d ]*)\**\s*(ms|seconds|minutes|hours|days)?\b/g;
const SECONDS_PER: Readonly<Record<string, number>> = { seconds: 1, minutes: 60, hours: 3600, days: 86_400 };
/** Every configuration key's default, by name. */
const DEFAULTS = new Map(
  CONFIG_SECTIONS.flatMap((section) =>
    Object.entries(section.keys).map(([name, declaration]) => [name, keyFacts(name, declaration).defaultValue]),
  ),
);

/** Keys named after a value (`OIDC_<NAME>_ISSUER`, and its `_FILE`): any upper-cased name in place of `<NAME>`. */
const KEY_PATTERNS = CONFIG_SECTIONS.flatMap((section) =>
  Object.entries(section.patternKeys ?? {}).map(
    ([name, { fromFile }]) => new RegExp(`^${name.replace('<NAME>', '[A-Z0-9]+')}${fromFile ? '(?:_FILE)?' : ''}$`),
  ),
);

/** Capitalised names the pages use that are neither config keys nor error codes. */
const OTHER_NAMES = new Set(['NODE_V8_COVERAGE', 'FUZZ_SCALE', 'FUZZ_SEED']);

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/`/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors a Markdown page offers (repeated headings get -1, -2 … as on GitHub). */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of withoutFences(markdown).split('\n')) {
    const heading = /^#{1,6} (.+)$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** The page with its fenced blocks blanked (links and headings there are code, not Markdown). */
function withoutFences(markdown: string): string {
  return markdown.replace(/^```[^\n]*\n[\s\S]*?\n```$/gm, (block) => block.replace(/[^\n]/g, ''));
}

/** Why a relative link of `page` does not resolve, or null. */
function brokenLink(page: string, text: string, target: string): string | null {
  if (/^[a-z]+:/.test(target)) return null;
  const [file = '', anchor] = target.split('#');
  const resolved = file === '' ? page : path.posix.normalize(path.posix.join(path.posix.dirname(page), file));
  const absolute = path.join(ROOT, resolved);
  if (resolved.startsWith('..') || !existsSync(absolute)) return `${target}: no such file`;
  if (anchor !== undefined && anchor !== '') {
    if (!resolved.endsWith('.md')) return `${target}: an anchor into a file that is not Markdown`;
    if (!anchorsOf(readFileSync(absolute, 'utf8')).has(anchor)) return `${target}: no heading #${anchor}`;
  }
  // A code pointer: [`issueAccessToken`](…/token.service.ts) must name something the file has.
  const name = /^`([A-Za-z_$][\w$]*)(?:\(\))?`$/.exec(text)?.[1];
  if (name !== undefined && statSync(absolute).isFile() && /\.[cm]?[jt]s$/.test(resolved)) {
    if (!new RegExp(`\\b${name}\\b`).test(readFileSync(absolute, 'utf8'))) return `${target}: no ${name} in it`;
  }
  return null;
}

describe('docs: links and names in README.md and docs/', () => {
  const pages = markdownPages();
  const known = new Set<string>([...configKeysFor({}), ...Object.keys(ERRORS), ...OTHER_NAMES]);

  it('finds the pages', () => {
    expect(pages).to.include('README.md').and.include('docs/reference/errors.md');
  });

  for (const page of pages) {
    const markdown = readPage(page);
    const text = withoutFences(markdown);

    it(`${page}: every relative link resolves (file, heading, and the function a code link names)`, () => {
      const broken = [...text.matchAll(LINK)].flatMap(([, label = '', target = '']) => {
        const problem = brokenLink(page, label, target);
        return problem === null ? [] : [problem];
      });
      expect(broken).to.deep.equal([]);
    });

    it(`${page}: every repository path it mentions exists`, () => {
      const missing = [...markdown.matchAll(REPOSITORY_PATH)]
        .map(([mention]) => mention)
        .filter((mention) => !existsSync(path.join(ROOT, mention)));
      expect(missing).to.deep.equal([]);
    });

    it(`${page}: every default it states for a configuration key is that key's default`, () => {
      const wrong = [...text.matchAll(STATED_DEFAULT)].flatMap(([mention, key = '', number = '', unit]) => {
        if (!DEFAULTS.has(key)) return [];
        const stated = Number(number.replace(/ /g, '')) * (unit === undefined ? 1 : (SECONDS_PER[unit] ?? 1));
        return stated === DEFAULTS.get(key) ? [] : [`${mention}: the default is ${String(DEFAULTS.get(key))}`];
      });
      expect(wrong).to.deep.equal([]);
    });

    it(`${page}: every configuration key and error code it names exists`, () => {
      const unknown = [...text.matchAll(CAPITAL_NAME)]
        .map(([, name = '']) => name)
        .filter((name) => !known.has(name) && !KEY_PATTERNS.some((pattern) => pattern.test(name)));
      expect(unknown).to.deep.equal([]);
    });
  }
});
