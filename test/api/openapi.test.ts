import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { expect } from 'chai';
import { buildOpenApiDocument } from '../../src/openapi/document';
import { DOCS_ASSETS } from '../../src/openapi/swagger-ui';
import { createApp } from '../../src/server';
import { silentLogger, testConfig } from '../support/config';
import { api } from '../support/factories';
import {
  documentedOperations,
  jsonResponses,
  routedOperations,
  schemaValidator,
  shapeOf,
  type DocumentedExample,
} from '../support/openapi';
import type { Scenario } from '../support/openapi-call';
import { OPERATION_SCENARIOS, SHARED_SCENARIOS } from '../support/openapi-scenarios';

const document = buildOpenApiDocument();
const responses = jsonResponses(document);
const examples = responses.flatMap((response) => response.examples);
// Its example would be the document itself; the test below compares it whole instead.
const WITHOUT_EXAMPLES = new Set(['GET /openapi.json']);

const scenarioOf = (example: DocumentedExample): Scenario | undefined =>
  OPERATION_SCENARIOS[example.operation]?.[example.name] ?? SHARED_SCENARIOS[example.name];

describe('OpenAPI document', () => {
  it('documents every route the routers know, and no route they do not', () => {
    const routed = routedOperations(createApp({ config: testConfig(), logger: silentLogger }));
    expect(routed).to.include.members(['GET /auth/ping', 'DELETE /auth/sessions/{id}', 'GET /docs']);
    expect([...documentedOperations(document)].sort()).to.deep.equal([...new Set(routed)].sort());
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(document as unknown as Record<string, unknown>);
    expect(result.errors, JSON.stringify(result.errors, null, 2)).to.equal(undefined);
    expect(result.valid).to.equal(true);
  });

  it('gives every JSON response at least one named example, and every example a scenario', () => {
    const bare = responses.filter((r) => r.examples.length === 0 && !WITHOUT_EXAMPLES.has(r.operation));
    expect(bare.map((r) => `${r.operation} ${r.status}`)).to.deep.equal([]);
    const unplayed = examples.filter((example) => scenarioOf(example) === undefined);
    expect(unplayed.map((e) => `${e.operation} ${e.status} ${e.name}`)).to.deep.equal([]);
  });

  it('has no scenario left for an example it no longer documents', () => {
    const documented = new Set(examples.map((example) => `${example.operation} ${example.name}`));
    const stale = Object.entries(OPERATION_SCENARIOS)
      .flatMap(([operation, byName]) => Object.keys(byName).map((name) => `${operation} ${name}`))
      .filter((key) => !documented.has(key));
    expect(stale).to.deep.equal([]);
    const names = new Set(examples.map((example) => example.name));
    expect(Object.keys(SHARED_SCENARIOS).filter((name) => !names.has(name))).to.deep.equal([]);
  });
});

describe('OpenAPI examples match what the server answers', () => {
  const validatorAt = schemaValidator(document);

  for (const example of examples) {
    it(`${example.operation} ${example.status} ${example.name}`, async () => {
      const scenario = scenarioOf(example);
      if (scenario === undefined) throw new Error('no scenario plays this example');
      const validate = validatorAt(example.schemaPointer);
      const real = await scenario(example);

      expect(real.status, real.text).to.equal(example.status);
      expect(real.type).to.equal('application/json');
      expect(validate(real.body), JSON.stringify(validate.errors)).to.equal(true);
      expect(validate(example.value), `the example: ${JSON.stringify(validate.errors)}`).to.equal(true);
      expect(shapeOf(example.value)).to.deep.equal(shapeOf(real.body));
      if (real.status >= 400) expect(real.body.error.code).to.equal((example.value as typeof real.body).error.code);
      for (const header of example.headers) expect(real.headers, header).to.have.property(header.toLowerCase());
    });
  }
});

describe('GET /openapi.json and /docs', () => {
  it('GET /openapi.json serves the document as JSON under the API CSP', async () => {
    const response = await api().get('/openapi.json');
    expect(response.status).to.equal(200);
    expect(response.type).to.equal('application/json');
    expect(response.body).to.deep.equal(JSON.parse(JSON.stringify(document)));
    expect(response.body.info.version).to.match(/^\d+\.\d+\.\d+/);
    expect(response.headers['content-security-policy']).to.equal("default-src 'none'; frame-ancestors 'none'");
  });

  it('GET /docs serves the Swagger UI page with a policy that allows only its own scripts and styles', async () => {
    const response = await api().get('/docs');
    expect(response.status).to.equal(200);
    expect(response.type).to.equal('text/html');
    expect(response.text).to.include('<script src="/docs/swagger-ui-bundle.js"></script>');
    expect(response.text).to.not.match(/<script>|https?:\/\//);
    const policy = String(response.headers['content-security-policy']);
    expect(policy).to.include("script-src 'self'").and.include("frame-ancestors 'none'");
    expect(policy).to.not.include('unsafe');
  });

  it('GET /docs/{asset} serves every file the page loads, byte for byte, from this server', async () => {
    for (const [name, asset] of Object.entries(DOCS_ASSETS)) {
      const response = await api().get(`/docs/${name}`).responseType('blob');
      expect(response.status, name).to.equal(200);
      expect(response.headers['content-type'], name).to.match(
        new RegExp(asset.type === 'js' ? 'javascript' : asset.type),
      );
      const expected = 'file' in asset ? readFileSync(asset.file) : Buffer.from(asset.content);
      expect(Buffer.compare(response.body as Buffer, expected), name).to.equal(0);
    }
    const initializer = await api().get('/docs/swagger-initializer.js');
    expect(initializer.text).to.include("url: '/openapi.json'");
  });

  it('GET /docs/{asset} answers 404 for any name not in its list, paths included', async () => {
    for (const name of ['index.html', '..%2Fpackage.json', '__proto__', 'constructor']) {
      const response = await api().get(`/docs/${name}`);
      expect(response.status, name).to.equal(404);
      expect(response.body.error.code).to.equal('NOT_FOUND');
    }
  });
});
