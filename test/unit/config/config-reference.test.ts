import { expect } from 'chai';
import Joi from 'joi';
import { CONFIG_KEYS, CONFIG_SECTIONS, loadConfig } from '../../../src/config';
import { keyFacts, renderConfigurationReference, renderEnvExample } from '../../../src/config/config-reference';
import { optional, secret, withDefault } from '../../../src/config/declare';

const allFacts = () =>
  CONFIG_SECTIONS.flatMap((section) =>
    Object.entries(section.keys).map(([name, declaration]) => keyFacts(name, declaration)),
  );

/** The `KEY=value` lines of .env.example, in order. */
const envExampleAssignments = (): Array<[string, string]> =>
  renderEnvExample()
    .split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);

describe('config declarations', () => {
  it('declare every key once, in one section, and CONFIG_KEYS lists them all', () => {
    const declared = CONFIG_SECTIONS.flatMap((section) => Object.keys(section.keys));
    expect(new Set(declared).size).to.equal(declared.length);
    expect([...CONFIG_KEYS]).to.deep.equal(declared);
  });

  it('give every key a sentence of description', () => {
    for (const facts of allFacts()) expect(facts.description, facts.name).to.match(/^\S.*\.$/);
  });

  it('give every key whose name carries a unit that unit', () => {
    const unitOfSuffix: Record<string, string> = { _SECONDS: 'seconds', _MS: 'milliseconds' };
    for (const facts of allFacts()) {
      for (const [suffix, unit] of Object.entries(unitOfSuffix)) {
        if (facts.name.endsWith(suffix)) expect(facts.unit, facts.name).to.equal(unit);
      }
    }
  });

  it('state defaults that loadConfig really applies', () => {
    const { env, jwt, bcryptRounds, rateLimits, databasePool } = loadConfig({});
    const defaults = Object.fromEntries(allFacts().map((facts) => [facts.name, facts.defaultValue]));
    expect(defaults).to.deep.include({
      NODE_ENV: env,
      JWT_ALGORITHM: jwt.algorithm,
      BCRYPT_ROUNDS: bcryptRounds,
      RATE_LIMIT_LOGIN_PER_IP: rateLimits.loginPerIp,
      DB_POOL_MAX: databasePool.maxConnections,
    });
  });

  it('refuse to document a key without a description', () => {
    expect(() => keyFacts('UNDESCRIBED', withDefault(Joi.number(), 1))).to.throw('UNDESCRIBED has no .description()');
  });
});

describe('.env.example', () => {
  it('lists every key once, in declaration order, with its default', () => {
    const assignments = envExampleAssignments();
    expect(assignments.map(([name]) => name)).to.deep.equal([...CONFIG_KEYS]);
    expect(Object.fromEntries(assignments)).to.deep.include({ BCRYPT_ROUNDS: '12', PORT: '3000', CORS_ORIGINS: '' });
  });

  it('leaves every secret empty', () => {
    const secrets = allFacts().filter((facts) => facts.secret);
    expect(secrets.map((facts) => facts.name)).to.include('JWT_SECRET');
    const values = Object.fromEntries(envExampleAssignments());
    for (const facts of secrets) expect(values[facts.name], facts.name).to.equal('');
  });

  it('behaves like no configuration when copied as it is (empty values count as unset)', () => {
    expect(loadConfig(Object.fromEntries(envExampleAssignments()))).to.deep.equal(loadConfig({}));
  });
});

describe('docs/reference/configuration.md', () => {
  const page = renderConfigurationReference();

  it('has a row for every key with its default, constraints and unit', () => {
    for (const facts of allFacts()) expect(page, facts.name).to.include(`| \`${facts.name}\` |`);
    expect(page).to.match(
      /\| `BCRYPT_ROUNDS` \| `12` \| integer; ≤ 15; when NODE_ENV is `test`: ≥ 4; otherwise ≥ 10 \|/,
    );
    expect(page).to.match(/\| `METRICS_PORT` \| none \| integer; 0–65535; when PORT is > 0: not PORT \|/);
    expect(page).to.match(
      /\| `COOKIE_SECURE` \| `true` \| `true` or `false`; when NODE_ENV is `production`: only `true` \|/,
    );
  });

  it('describes the rules a declaration can use', () => {
    const facts = (schema: Joi.Schema) => keyFacts('KEY', optional(schema.description('A key.'))).constraints;
    expect(facts(Joi.number().greater(2))).to.equal('number; > 2');
    expect(facts(Joi.number().min(1))).to.equal('number; ≥ 1');
    expect(facts(Joi.string().max(9))).to.equal('at most 9 characters');
    expect(facts(Joi.string().pattern(/x/))).to.equal('text');
    expect(facts(Joi.string().required())).to.equal('required');
    expect(facts(Joi.string().valid('only'))).to.equal('only `only`');
    expect(facts(Joi.boolean().when('FLAG', { is: Joi.boolean().valid(true), then: Joi.required() }))).to.equal(
      '`true` or `false`; when FLAG is `true`: required',
    );
    expect(facts(Joi.string().when('FILE', { not: Joi.exist(), then: Joi.required() }))).to.equal(
      'unless FILE is set: required',
    );
    expect(facts(Joi.string().when('MODE', { is: 'x', otherwise: Joi.required() }))).to.equal(
      'unless MODE is `x`: required',
    );
    expect(facts(Joi.string().when('MODE', { is: 'x', then: Joi.any(), otherwise: Joi.required() }))).to.equal(
      'when MODE is `x`: anything; otherwise required',
    );
  });

  it('renders every condition of every key in words, with no empty clause', () => {
    const keys = CONFIG_SECTIONS.flatMap((section) => Object.entries({ ...section.keys, ...section.patternKeys }));
    for (const [name, declaration] of keys) {
      const { constraints } = keyFacts(name, declaration);
      expect(constraints, name).to.not.match(/:\s*(?:[,;]|$)|is required|^$/);
    }
  });

  it('marks a secret as one', () => {
    const facts = keyFacts('TOKEN', secret(Joi.string().description('A token.')));
    expect(facts.secret).to.equal(true);
    expect(page).to.include('A secret: keep it out of every file you commit.');
  });
});
