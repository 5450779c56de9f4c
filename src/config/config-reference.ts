import { CONFIG_SECTIONS } from '.';
import type { ConfigKey } from './declare';
import { fileKeyOf } from './files';

/** The parts of a Joi `describe()` the reference reads; Joi types them loosely, so each is checked here. */
interface RuleFacts {
  name: string;
  limit: unknown;
  patternName: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const field = (value: unknown, name: string): unknown => (isRecord(value) ? value[name] : undefined);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? (value as unknown[]) : []);

/** A value as .env spells it: a list comma-separated, unset as nothing. */
function envValue(value: unknown): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map(envValue).join(',');
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : JSON.stringify(value);
}

/** A reference to another key (`Joi.ref('PORT')`) by its name, any other value as code. */
function valueText(value: unknown): string {
  const path = list(field(field(value, 'ref'), 'path'));
  return path.length > 0 ? path.join('.') : `\`${envValue(value)}\``;
}

function rulesOf(description: unknown): RuleFacts[] {
  return list(field(description, 'rules')).map((rule) => ({
    name: String(field(rule, 'name')),
    limit: field(field(rule, 'args'), 'limit'),
    patternName: field(field(field(rule, 'args'), 'options'), 'name'),
  }));
}

function ruleText(rule: RuleFacts, type: unknown): string | null {
  switch (rule.name) {
    case 'min':
      return `≥ ${String(rule.limit)}`;
    case 'max':
      return type === 'string' ? `at most ${String(rule.limit)} characters` : `≤ ${String(rule.limit)}`;
    case 'greater':
      return `> ${String(rule.limit)}`;
    case 'hostname':
      return 'a host name or IP address';
    case 'domain':
      return 'a domain name';
    case 'pattern':
      return typeof rule.patternName === 'string' ? `like \`${rule.patternName}\`` : null;
    // integer is said by the type, a custom rule by the key's description, a uri by its pattern.
    default:
      return null;
  }
}

/** What a (sub)schema accepts, in words: its type, allowed and refused values, and its rules. */
function constraintText(description: unknown, withType: boolean): string[] {
  const type = field(description, 'type');
  const flags = field(description, 'flags');
  const rules = rulesOf(description);
  const parts: string[] = [];
  if (withType && type === 'number') parts.push(rules.some((rule) => rule.name === 'integer') ? 'integer' : 'number');
  if (withType && type === 'boolean') parts.push('`true` or `false`');
  const allowed = list(field(description, 'allow')).filter((value) => !isRecord(value));
  if (field(flags, 'only') === true && allowed.length > 0) {
    parts.push(allowed.length === 1 ? `only ${valueText(allowed[0])}` : `one of ${allowed.map(valueText).join(', ')}`);
  }
  for (const value of list(field(description, 'invalid'))) parts.push(`not ${valueText(value)}`);
  const minimum = rules.find((rule) => rule.name === 'min');
  const maximum = rules.find((rule) => rule.name === 'max');
  if (type === 'number' && minimum !== undefined && maximum !== undefined) {
    parts.push(`${String(minimum.limit)}–${String(maximum.limit)}`);
  }
  for (const rule of rules) {
    const isRange = type === 'number' && minimum !== undefined && maximum !== undefined;
    const text = isRange && (rule === minimum || rule === maximum) ? null : ruleText(rule, type);
    if (text !== null) parts.push(text);
  }
  if (field(flags, 'presence') === 'required') parts.push('required');
  if (field(flags, 'presence') === 'forbidden') parts.push('not allowed');
  for (const when of list(field(description, 'whens'))) parts.push(...whenText(when));
  if (withType && parts.length === 0) parts.push(type === 'string' ? 'text' : String(type));
  return parts;
}

/** A condition on another key that names no values: `Joi.exist()` reads "set". */
function conditionText(is: unknown): string {
  const parts = constraintText(is, false);
  return parts.length === 1 && parts[0] === 'required' ? 'set' : parts.join(', ');
}

/** A `.when(key, { is, then, otherwise })` rule: "when NODE_ENV is `test`: ≥ 4; otherwise ≥ 10". */
function whenText(when: unknown): string[] {
  const key = list(field(field(when, 'ref'), 'path')).join('.');
  const is = field(when, 'is');
  const values = list(field(is, 'allow')).filter((value) => !isRecord(value));
  const condition = values.length > 0 ? values.map(valueText).join(' or ') : conditionText(is);
  const then = field(when, 'then');
  const otherwise = field(when, 'otherwise');
  // `.when(key, { not, then })` is described as `is` with only an `otherwise`: "unless" reads it.
  if (then === undefined) return [`unless ${key} is ${condition}: ${branchText(otherwise)}`];
  const parts = [`when ${key} is ${condition}: ${branchText(then)}`];
  if (otherwise !== undefined) parts.push(`otherwise ${branchText(otherwise)}`);
  return parts;
}

/** What one branch of a `.when` requires; a branch that adds nothing accepts anything. */
function branchText(branch: unknown): string {
  const parts = constraintText(branch, false);
  return parts.length > 0 ? parts.join(', ') : 'anything';
}

/** The facts of one key the pages show. */
export interface KeyFacts {
  name: string;
  description: string;
  defaultValue: unknown;
  unit: string | null;
  constraints: string;
  secret: boolean;
  fromFile: boolean;
}

/** Reads a declaration back through Joi's `describe()`, so the pages show what validation enforces. */
export function keyFacts(name: string, declaration: ConfigKey<unknown>): KeyFacts {
  const description = declaration.schema.describe();
  const flags = field(description, 'flags');
  const text = field(flags, 'description');
  const unit = field(flags, 'unit');
  if (typeof text !== 'string') throw new Error(`config key ${name} has no .description()`);
  return {
    name,
    description: text,
    defaultValue: field(flags, 'default'),
    unit: typeof unit === 'string' ? unit : null,
    constraints: constraintText(description, true).join('; '),
    secret: declaration.secret,
    fromFile: declaration.fromFile,
  };
}

const factsOf = (keys: Readonly<Record<string, ConfigKey<unknown>>> = {}): KeyFacts[] =>
  Object.entries(keys).map(([name, declaration]) => keyFacts(name, declaration));

const sections = (): Array<{ title: string; keys: KeyFacts[]; patternKeys: KeyFacts[] }> =>
  CONFIG_SECTIONS.map((section) => ({
    title: section.title,
    keys: factsOf(section.keys),
    patternKeys: factsOf(section.patternKeys),
  }));

const PATTERN_NOTE =
  'Keys with `<NAME>` exist once per name listed in the key they are named after, upper-cased ' +
  '(`OIDC_PROVIDERS=google` reads `OIDC_GOOGLE_ISSUER`).';

/** A Markdown table cell: a `|` would end the cell early. */
const cell = (text: string): string => text.replaceAll('|', '\\|');

/** docs/reference/configuration.md: every key by section, with its default, what it accepts, and why. */
export function renderConfigurationReference(): string {
  const lines = [
    '# Configuration',
    '',
    '<!-- Generated from src/config/*.ts by `npm run docs:generate`: edit the declarations, not this page. -->',
    '',
    'Read once at startup from the environment and `./.env` (real variables win; the tests never read',
    '`.env`). An empty value counts as unset. A bad value stops startup with one error naming every bad key.',
    '`.env.example` lists the same keys with their defaults.',
  ];
  for (const section of sections()) {
    lines.push(
      '',
      `## ${section.title}`,
      '',
      '| key | default | accepts | unit | meaning |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const key of [...section.keys, ...section.patternKeys]) {
      const defaultText = envValue(key.defaultValue) === '' ? 'none' : `\`${envValue(key.defaultValue)}\``;
      const meaning = [
        key.description,
        key.secret ? 'A secret: keep it out of every file you commit.' : '',
        key.fromFile ? `Or \`${fileKeyOf(key.name)}\`: the path of a file holding it.` : '',
      ]
        .filter((part) => part !== '')
        .join(' ');
      lines.push(
        `| \`${key.name}\` | ${cell(defaultText)} | ${cell(key.constraints)} | ${key.unit ?? ''} | ${cell(meaning)} |`,
      );
    }
    if (section.patternKeys.length > 0) {
      lines.push('', PATTERN_NOTE);
    }
  }
  lines.push('');
  return lines.join('\n');
}

/** .env.example: every key with its description and default; a secret stays empty. */
export function renderEnvExample(): string {
  const lines = [
    '# Generated from src/config/*.ts by `npm run docs:generate`; docs/reference/configuration.md says more.',
    '# Copy to .env and fill in what you need; real environment variables win over this file.',
    '# Empty values count as unset.',
  ];
  for (const section of sections()) {
    lines.push('', `# ---- ${section.title} ----`);
    for (const key of section.keys) {
      const unit = key.unit === null ? '' : ` (${key.unit})`;
      lines.push(`# ${key.description}`, `# ${key.constraints}${unit}`);
      // No default secrets: an example file is copied and committed, so a secret in it is public.
      lines.push(`${key.name}=${key.secret ? '' : envValue(key.defaultValue)}`);
      if (key.fromFile) lines.push(`# or ${fileKeyOf(key.name)}=<the path of a file holding it>`);
    }
    if (section.patternKeys.length > 0) lines.push(`# ${PATTERN_NOTE}`);
    for (const key of section.patternKeys) {
      const unit = key.unit === null ? '' : ` (${key.unit})`;
      lines.push(`# ${key.description}`, `# ${key.constraints}${unit}`);
      lines.push(`# ${key.name}=${key.secret ? '' : envValue(key.defaultValue)}`);
      if (key.fromFile) lines.push(`# or ${fileKeyOf(key.name)}=<the path of a file holding it>`);
    }
  }
  lines.push('');
  return lines.join('\n');
}
