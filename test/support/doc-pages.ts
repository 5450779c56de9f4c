import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../src/db/migrator';

/** The repository root (the tests run compiled, from build/test/…). */
export const ROOT = projectRoot(__dirname);

/** README.md and every Markdown page under docs/, by path from the root, sorted. */
export function markdownPages(): string[] {
  const underDocs = (readdirSync(path.join(ROOT, 'docs'), { recursive: true }) as string[])
    .filter((file) => file.endsWith('.md'))
    .map((file) => path.join('docs', file).split(path.sep).join('/'));
  return ['README.md', ...underDocs.sort()];
}

export const readPage = (page: string): string => readFileSync(path.join(ROOT, page), 'utf8');

/** `<!-- walkthrough: GROUP -->` before a sh block the walkthrough runs; `GROUP server` before its `npm start` line. */
const MARKER = /^<!-- walkthrough: ([a-z0-9-]+)( server)? -->$/;

/** One marked shell block and what the page says it prints, one answer per line (empty: prints nothing). */
export interface Block {
  script: string;
  /** 1-based line of the block's opening fence. */
  line: number;
  answers: string[];
}

/** The marked blocks of one group of a page, run in one shell in page order, against one server. */
export interface Group {
  page: string;
  name: string;
  /** The settings its `KEY=value … npm start` line sets; none for the server `npm start` starts. */
  serverSettings: Record<string, string>;
  blocks: Block[];
}

/** A fenced block: its info string, its lines, where it opens (0-based) and the line after it closes. */
interface Fence {
  info: string;
  body: string[];
  start: number;
  next: number;
}

function fenceAt(lines: string[], start: number): Fence | null {
  const open = /^```(\S*)$/.exec(lines[start] ?? '');
  if (open === null) return null;
  const end = lines.findIndex((line, at) => at > start && line === '```');
  if (end === -1) throw new Error(`line ${start + 1}: a fenced block that never closes`);
  return { info: open[1] ?? '', body: lines.slice(start + 1, end), start, next: end + 1 };
}

/**
 * What a block prints, as the page shows it: the ```text block after it, before any heading, marker or
 * other fence; no such block means the block prints nothing.
 */
function answersAfter(lines: string[], from: number): string[] {
  for (let at = from; at < lines.length; at += 1) {
    const line = lines[at] ?? '';
    if (line.startsWith('#') || MARKER.test(line)) return [];
    const fence = fenceAt(lines, at);
    if (fence !== null) return fence.info === 'text' ? fence.body : [];
  }
  return [];
}

/** `COOKIE_MODE=true COOKIE_SECURE=false npm start` → { COOKIE_MODE: 'true', COOKIE_SECURE: 'false' }. */
function settingsOf(script: string, where: string): Record<string, string> {
  const startLine = /^((?:[A-Z][A-Z0-9_]*=\S+ +)*)npm start$/.exec(script.trim());
  if (startLine === null) throw new Error(`${where}: a server block is one "KEY=value … npm start" line`);
  const assignments = [...(startLine[1] ?? '').matchAll(/([A-Z][A-Z0-9_]*)=(\S+)/g)];
  return Object.fromEntries(assignments.map(([, key = '', value = '']): [string, string] => [key, value]));
}

/** The marked blocks of a page, grouped, in page order. */
export function walkthroughGroups(page: string, markdown: string): Group[] {
  const lines = markdown.split('\n');
  const groups = new Map<string, Group>();
  lines.forEach((line, index) => {
    const marker = MARKER.exec(line);
    if (marker === null) return;
    const [, name = '', server] = marker;
    const where = `${page}:${index + 1}`;
    const start = lines.findIndex((candidate, at) => at > index && candidate.trim() !== '');
    const fence = fenceAt(lines, start);
    if (fence?.info !== 'sh') throw new Error(`${where}: the marker is not followed by a sh block`);
    const script = `${fence.body.join('\n')}\n`;
    const group = groups.get(name) ?? { page, name, serverSettings: {}, blocks: [] };
    groups.set(name, group);
    if (server === undefined) group.blocks.push({ script, line: start + 1, answers: answersAfter(lines, fence.next) });
    else group.serverSettings = settingsOf(script, where);
  });
  return [...groups.values()];
}

/** The 1-based lines of sh blocks that run curl with no marker before them: a request nothing replays can rot. */
export function unmarkedCurlBlocks(markdown: string): number[] {
  const lines = markdown.split('\n');
  const unmarked: number[] = [];
  for (let at = 0; at < lines.length; at += 1) {
    const fence = fenceAt(lines, at);
    if (fence === null) continue;
    const runsCurl = fence.info === 'sh' && fence.body.some((line) => /(^|[\s$(])curl /.test(line));
    const before = lines
      .slice(0, at)
      .filter((line) => line.trim() !== '')
      .pop();
    if (runsCurl && !MARKER.test(before ?? '')) unmarked.push(at + 1);
    at = fence.next - 1;
  }
  return unmarked;
}

/** A string of error codes a page may show as alternatives: `UNAUTHENTICATED|TOKEN_REVOKED`. */
const CODE_ALTERNATIVES = /^[A-Z_]+(\|[A-Z_]+)+$/;

/**
 * The JSON value a page shows, where `…` stands for any value: a bare `…` for any value of any
 * type, and `…` inside a string for any characters (`"eyJ…"` is any string starting with eyJ).
 */
export function parseShownAnswer(shown: string): unknown {
  return JSON.parse(shown.replace(/(?<=[:[,]\s*)…(?=\s*[,}\]])/g, '"…"'));
}

/** Why `actual` is not what the page shows, or null when it is. Objects must have exactly the shown keys. */
export function mismatch(actual: unknown, shown: unknown, at = '$'): string | null {
  if (shown === '…') return null;
  if (typeof shown === 'string' && typeof actual === 'string') {
    if (CODE_ALTERNATIVES.test(shown)) return shown.split('|').includes(actual) ? null : `${at}: ${actual}`;
    const pattern = shown.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    return new RegExp(`^${pattern.join('[\\s\\S]*')}$`).test(actual) ? null : `${at}: "${actual}", shown "${shown}"`;
  }
  if (Array.isArray(shown)) {
    if (!Array.isArray(actual) || actual.length !== shown.length) return `${at}: ${JSON.stringify(actual)}`;
    for (const [index, item] of shown.entries()) {
      const found = mismatch(actual[index], item, `${at}[${index}]`);
      if (found !== null) return found;
    }
    return null;
  }
  if (typeof shown === 'object' && shown !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual))
      return `${at}: ${JSON.stringify(actual)}`;
    const actualKeys = Object.keys(actual).sort();
    const shownKeys = Object.keys(shown).sort();
    if (actualKeys.join() !== shownKeys.join())
      return `${at}: keys ${actualKeys.join(', ')}, shown ${shownKeys.join(', ')}`;
    for (const key of shownKeys) {
      const found = mismatch(
        (actual as Record<string, unknown>)[key],
        (shown as Record<string, unknown>)[key],
        `${at}.${key}`,
      );
      if (found !== null) return found;
    }
    return null;
  }
  return actual === shown ? null : `${at}: ${JSON.stringify(actual)}, shown ${JSON.stringify(shown)}`;
}

/** The error codes a shown answer names (alternatives split), or [] for a success. */
export function shownErrorCodes(shown: unknown): string[] {
  if (typeof shown !== 'object' || shown === null || !('error' in shown)) return [];
  const { error } = shown;
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  return typeof code === 'string' ? code.split('|') : [];
}
