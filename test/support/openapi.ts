import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type Koa from 'koa';
import type {
  ExampleObject,
  OpenAPIObject,
  ReferenceObject,
  RequestBodyObject,
  ResponseObject,
} from 'openapi3-ts/oas31';

export const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** One documented response example, with what the test needs to replay and check it. */
export interface DocumentedExample {
  /** "POST /auth/signup", as the router would say it with {params}. */
  operation: string;
  method: string;
  path: string;
  secured: boolean;
  /** The operation's documented valid request body, if it takes one. */
  validBody: unknown;
  status: number;
  name: string;
  value: unknown;
  /** JSON pointer (in the document) to the schema of this response's JSON body. */
  schemaPointer: string;
  /** The response headers the document marks required. */
  headers: string[];
}

const escapePointer = (part: string): string => part.replaceAll('~', '~0').replaceAll('/', '~1');
const isReference = (value: object): value is ReferenceObject => '$ref' in value;

/** Every `METHOD /path` the document describes. */
export function documentedOperations(document: OpenAPIObject): string[] {
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method] !== undefined).map((method) => `${method.toUpperCase()} ${path}`),
  );
}

/** Every `METHOD /path` of every @koa/router router mounted on `app`, `:id` written `{id}`. */
export function routedOperations(app: Koa): string[] {
  return app.middleware.flatMap((middleware) => {
    const router =
      'router' in middleware ? (middleware.router as { stack: Array<{ methods: string[]; path: unknown }> }) : null;
    return (router?.stack ?? []).flatMap((layer) =>
      layer.methods
        .filter((method) => method !== 'HEAD')
        .map((method) => `${method} ${String(layer.path).replace(/:(\w+)/g, '{$1}')}`),
    );
  });
}

/** Resolves a `#/components/...` reference to the response it names, and that response's pointer. */
function resolveResponse(document: OpenAPIObject, response: ResponseObject | ReferenceObject, pointer: string) {
  if (!isReference(response)) return { response, pointer };
  const name = response.$ref.replace('#/components/responses/', '');
  const shared = document.components?.responses?.[name];
  if (shared === undefined || isReference(shared)) throw new Error(`unresolvable ${response.$ref}`);
  return { response: shared, pointer: response.$ref };
}

/** Every JSON response of every operation, with its named examples (possibly none). */
export function jsonResponses(document: OpenAPIObject) {
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const operation = item[method];
      if (operation === undefined) return [];
      const secured = (operation.security ?? []).length > 0;
      const requestBody = operation.requestBody as RequestBodyObject | undefined;
      const validBody: unknown = requestBody?.content['application/json']?.examples?.valid;
      return Object.entries(operation.responses ?? {}).flatMap(([status, raw]) => {
        const base = `#/paths/${escapePointer(path)}/${method}/responses/${status}`;
        const { response, pointer } = resolveResponse(document, raw as ResponseObject | ReferenceObject, base);
        const media = response.content?.['application/json'];
        if (media === undefined) return [];
        const examples = Object.entries(media.examples ?? {}).map(([name, example]): DocumentedExample => ({
          operation: `${method.toUpperCase()} ${path}`,
          method,
          path,
          secured,
          validBody: (validBody as ExampleObject | undefined)?.value,
          status: Number(status),
          name,
          value: (example as ExampleObject).value,
          schemaPointer: `${pointer}/content/application~1json/schema`,
          // Set-Cookie is there only in cookie mode: the test checks the headers marked required.
          headers: Object.entries(response.headers ?? {})
            .filter(([, header]) => !isReference(header) && header.required === true)
            .map(([name]) => name),
        }));
        return [{ operation: `${method.toUpperCase()} ${path}`, status, examples }];
      });
    }),
  );
}

/** Validates JSON values against schemas of the document, as JSON Schema 2020-12 (OpenAPI 3.1's dialect). */
export function schemaValidator(document: OpenAPIObject): (pointer: string) => ValidateFunction {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  // The document's own top-level fields are not schema keywords: declare them so strict mode allows them.
  ajv.addVocabulary(Object.keys(document));
  ajv.addSchema(JSON.parse(JSON.stringify(document)) as object, 'openapi.json');
  return (pointer) => ajv.compile({ $ref: `openapi.json${pointer}` });
}

/** The keys of a JSON value, recursively (arrays by their first item): what "same shape" compares. */
export function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shapeOf(value[0])];
  if (typeof value !== 'object' || value === null) return 'value';
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, shapeOf(child)]));
}
