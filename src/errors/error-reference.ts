import { ERRORS, type ErrorEntry } from './catalogue';

/** A Markdown table cell: a `|` would end the cell early. */
const cell = (text: string): string => text.replaceAll('|', '\\|');

/** docs/reference/errors.md: every code of the catalogue by status, when it happens and what to do. */
export function renderErrorReference(): string {
  const entries = Object.entries(ERRORS) as Array<[string, ErrorEntry]>;
  // A stable sort: codes of one status keep their catalogue order.
  const rows = entries
    .sort(([, first], [, second]) => first.status - second.status)
    .map(([code, entry]) => `| ${entry.status} | \`${code}\` | ${cell(entry.when)} | ${cell(entry.clientAction)} |`);
  return [
    '# Errors',
    '',
    '<!-- Generated from src/errors/catalogue.ts by `npm run docs:generate`: edit the catalogue, not this page. -->',
    '',
    'Every error is `{"error": {"code": "…", "message": "…", "details": [{"field", "message"}]?}}` with the',
    'status below. Branch on `code`, which is stable; `message` is for humans and may change. Nothing a',
    'client can send produces a 5xx, and a 5xx body never contains internals (the cause is logged with',
    'the `X-Request-Id`).',
    '',
    '| status | code | when | what the client should do |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
