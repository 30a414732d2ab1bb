/**
 * The OpenAPI 3.0.3 rendition API Management imports (scripts/openapi-apim.ts): valid 3.0, free of
 * the 3.1 forms APIM's import rejects, and the same API as openapi/openapi.json.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriptionKeyScheme, toApimOpenApi, writeApimOpenApi, type JsonObject } from '../../scripts/openapi-apim.js';
import { redoclyLint } from '../support/redocly.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const contract = join(root, 'openapi', 'openapi.json');

interface Document {
  readonly openapi: string;
  readonly info: Readonly<Record<string, unknown>>;
  readonly paths: Readonly<Record<string, Readonly<Record<string, { readonly operationId?: string }>>>>;
  readonly security?: readonly Readonly<Record<string, readonly string[]>>[];
  readonly components: {
    readonly schemas: Readonly<Record<string, unknown>>;
    readonly securitySchemes?: Readonly<Record<string, { readonly type: string }>>;
  };
}

const methods = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

function operations(document: Document): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => methods.has(method))
        .map(([method, operation]) => `${method.toUpperCase()} ${path} ${operation.operationId ?? '(no operationId)'}`),
    )
    .sort();
}

/** Every `key: value` pair anywhere in the document, with its JSON pointer. */
function* entries(node: unknown, pointer = ''): Generator<[string, unknown, string]> {
  if (typeof node !== 'object' || node === null) return;
  for (const [key, value] of Object.entries(node)) {
    yield [key, value, `${pointer}/${key}`];
    yield* entries(value, `${pointer}/${key}`);
  }
}

let work: string;
let target: string;
let rendition: Document;
let original: Document;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'waitlist-openapi-apim-'));
  target = join(work, 'openapi.apim.json');
  await writeApimOpenApi(contract, target);
  rendition = JSON.parse(await readFile(target, 'utf8')) as Document;
  original = JSON.parse(await readFile(contract, 'utf8')) as Document;
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('the OpenAPI rendition for API Management', () => {
  it('is OpenAPI 3.0', () => {
    expect(rendition.openapi).toMatch(/^3\.0\.\d+$/);
  });

  it('passes redocly lint as OpenAPI 3.0 (recommended rules, redocly.yaml) with no errors or warnings', async () => {
    const { problems, totals } = await redoclyLint(target);
    expect(problems).toEqual([]);
    expect(totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
  }, 60_000);

  it('lists the same operations and component schemas as the contract', () => {
    expect(operations(rendition)).toEqual(operations(original));
    expect(Object.keys(rendition.components.schemas).sort()).toEqual(Object.keys(original.components.schemas).sort());
  });

  it('has none of the 3.1 forms API Management rejects', () => {
    expect(rendition.info).not.toHaveProperty('summary');
    const found = [...entries(rendition)]
      .filter(
        ([key, value]) =>
          (key === 'type' && Array.isArray(value)) ||
          key === 'const' ||
          // Schema `examples` is an array; media type and parameter `examples` (a map) are valid 3.0.
          (key === 'examples' && Array.isArray(value)) ||
          ((key === 'exclusiveMinimum' || key === 'exclusiveMaximum') && typeof value === 'number') ||
          ['$schema', 'jsonSchemaDialect', 'webhooks'].includes(key),
      )
      .map(([key, value, pointer]) => `${pointer}: ${key} ${JSON.stringify(value)}`);
    expect(found).toEqual([]);
    expect((rendition.info.license as { identifier?: unknown } | undefined)?.identifier).toBeUndefined();
  });

  it('leaves the subscription key to API Management and keeps the bearer token where the contract asks for it', () => {
    // API Management reads the key under the API's subscriptionKeyParameterNames and ignores
    // imported security schemes, so the import does not declare the key a second time.
    expect(original.components.securitySchemes?.[subscriptionKeyScheme]?.type).toBe('apiKey');
    expect(Object.keys(rendition.components.securitySchemes ?? {})).toEqual(['bearerAuth']);
    const named = [...entries(rendition)].filter(([key]) => key === subscriptionKeyScheme).map(([, , pointer]) => pointer);
    expect(named).toEqual([]);
    expect(rendition.security).toEqual([{ bearerAuth: [] }]);
    const security = (document: Document, path: string): unknown =>
      (document.paths[path]?.post as { readonly security?: unknown } | undefined)?.security;
    expect(security(original, '/v1/auth/token')).toEqual([{ subscriptionKey: [] }]);
    expect(security(rendition, '/v1/auth/token')).toEqual([]);
  });

  it('keeps every nullable field nullable', () => {
    const nullable = (document: Document, test: (schema: Record<string, unknown>) => boolean): string[] =>
      [...entries(document)]
        .filter(([, value]) => typeof value === 'object' && value !== null && test(value as Record<string, unknown>))
        .map(([, , pointer]) => pointer);
    const before = nullable(original, (schema) => Array.isArray(schema.type) && schema.type.includes('null'));
    expect(before.length).toBeGreaterThan(0);
    expect(nullable(rendition, (schema) => schema.nullable === true)).toEqual(before);
  });

  it('finishes what the converter leaves undone, and refuses what has no 3.0 form', () => {
    const schema = (properties: JsonObject): JsonObject => ({
      openapi: '3.1.0',
      jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
      info: { title: 'T', version: '1', summary: 'Short.', description: 'Long.' },
      paths: {},
      components: { schemas: { S: { type: 'object', properties } } },
    });
    const done = toApimOpenApi(
      schema({
        zero: { const: 0 },
        no: { const: false },
        above: { type: 'number', exclusiveMinimum: 5, exclusiveMaximum: 9 },
        both: { minimum: 7, exclusiveMinimum: 5 },
      }),
    );
    expect(done).not.toHaveProperty('jsonSchemaDialect');
    expect(done.info).toEqual({ title: 'T', version: '1', description: 'Short.\n\nLong.' });
    expect(done.components).toEqual({
      schemas: {
        S: {
          type: 'object',
          properties: {
            zero: { enum: [0] },
            no: { enum: [false] },
            above: { type: 'number', minimum: 5, exclusiveMinimum: true, maximum: 9, exclusiveMaximum: true },
            both: { minimum: 7, exclusiveMinimum: false },
          },
        },
      },
    });
    expect(() => toApimOpenApi(schema({ id: { type: ['string', 'integer'] } }))).toThrow('/components/schemas/S/properties/id');
  });
});
