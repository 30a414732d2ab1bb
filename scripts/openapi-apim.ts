import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Converter } from '@apiture/openapi-down-convert';

/**
 * The OpenAPI 3.0.3 rendition of openapi/openapi.json that API Management imports. APIM's 3.1
 * import rejects `"type": ["string", "null"]` and `info.summary` (MicrosoftDocs/azure-docs#123982,
 * #105288), so the contract stays 3.1 and this rendition is derived from it at build time.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Calls `visit` on every schema reachable from `schema`, with a JSON pointer for messages. */
function walkSchema(schema: Json | undefined, pointer: string, visit: (schema: JsonObject, pointer: string) => void): void {
  if (!isObject(schema)) return;
  visit(schema, pointer);
  for (const key of ['items', 'not', 'additionalProperties']) {
    walkSchema(schema[key], `${pointer}/${key}`, visit);
  }
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    const list = schema[key];
    if (Array.isArray(list))
      list.forEach((item, index) => {
        walkSchema(item, `${pointer}/${key}/${index}`, visit);
      });
  }
  const properties = schema.properties;
  if (isObject(properties)) {
    for (const [name, property] of Object.entries(properties)) walkSchema(property, `${pointer}/properties/${name}`, visit);
  }
}

/**
 * Calls `visit` on every schema in the document: component schemas and whatever sits under a
 * `schema` key (parameters, headers, media types), wherever those are.
 */
function walkSchemas(document: Json, visit: (schema: JsonObject, pointer: string) => void): void {
  const components = isObject(document) ? document.components : undefined;
  const schemas = isObject(components) ? components.schemas : undefined;
  if (isObject(schemas)) {
    for (const [name, schema] of Object.entries(schemas)) walkSchema(schema, `/components/schemas/${name}`, visit);
  }
  const findSchemaKeys = (node: Json, pointer: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => {
        findSchemaKeys(item, `${pointer}/${index}`);
      });
    } else if (isObject(node)) {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'schema') walkSchema(value, `${pointer}/schema`, visit);
        else if (!(pointer === '/components' && key === 'schemas')) findSchemaKeys(value, `${pointer}/${key}`);
      }
    }
  };
  findSchemaKeys(document, '');
}

/**
 * What @apiture/openapi-down-convert 0.14 leaves that OpenAPI 3.0 forbids (its README lists the
 * gaps), fixed on a converted document.
 */
function finishDownConversion(document: JsonObject): void {
  // The converter keeps info.summary, which 3.0 lacks and APIM's import refuses. It is moved to
  // the head of the description rather than lost.
  const info = document.info;
  if (isObject(info) && typeof info.summary === 'string') {
    info.description = typeof info.description === 'string' ? `${info.summary}\n\n${info.description}` : info.summary;
    delete info.summary;
  }
  // Top-level 3.1 fields the converter does not know.
  delete document.jsonSchemaDialect;
  delete document.$schema;
  walkSchemas(document, (schema, pointer) => {
    // The converter tests `if (schema.const)`, so a falsy constant (0, false, '') survives.
    if ('const' in schema) {
      schema.enum = [schema.const ?? null];
      delete schema.const;
    }
    // JSON Schema 2020-12 made these numbers; 3.0 has boolean flags on minimum/maximum, and APIM
    // rejects the numeric form. The converter leaves them as they are.
    for (const [exclusive, bound] of [
      ['exclusiveMinimum', 'minimum'],
      ['exclusiveMaximum', 'maximum'],
    ] as const) {
      const limit = schema[exclusive];
      const inclusive = schema[bound];
      if (typeof limit !== 'number') continue;
      // With both, 2020-12 enforces the stricter; 3.0 has room for one bound.
      const inclusiveIsStricter = typeof inclusive === 'number' && (bound === 'minimum' ? inclusive > limit : inclusive < limit);
      if (!inclusiveIsStricter) schema[bound] = limit;
      schema[exclusive] = !inclusiveIsStricter;
    }
    // The converter turns only [T, 'null'] into `nullable`; anything else needs a oneOf rewrite
    // chosen by hand, so the build stops rather than hand APIM a document it rejects.
    if (Array.isArray(schema.type) || schema.type === 'null') {
      throw new Error(`${pointer}: type ${JSON.stringify(schema.type)} has no OpenAPI 3.0 form; rewrite it in openapi/openapi.json`);
    }
  });
}

/** The contract's name for API Management's subscription key (an `apiKey` security scheme). */
export const subscriptionKeyScheme = 'subscriptionKey';

/**
 * Takes the subscription key scheme out of the import: API Management reads the key itself, under
 * the names the API's subscriptionKeyParameterNames give (infra/app/gateway-api.bicep), ignores
 * imported security schemes and adds its own when it exports the API. Requirements keep their
 * other schemes; one that named only the key becomes "nothing more to send".
 */
function withoutSubscriptionKey(document: JsonObject): void {
  const components = document.components;
  const schemes = isObject(components) ? components.securitySchemes : undefined;
  if (isObject(components) && isObject(schemes))
    components.securitySchemes = Object.fromEntries(Object.entries(schemes).filter(([name]) => name !== subscriptionKeyScheme));
  const strip = (holder: JsonObject): void => {
    const security = holder.security;
    if (!Array.isArray(security)) return;
    holder.security = security.filter(isObject).flatMap((requirement) => {
      const rest = Object.fromEntries(Object.entries(requirement).filter(([scheme]) => scheme !== subscriptionKeyScheme));
      return Object.keys(rest).length === 0 ? [] : [rest];
    });
  };
  strip(document);
  const paths = document.paths;
  for (const item of isObject(paths) ? Object.values(paths) : []) {
    for (const operation of isObject(item) ? Object.values(item) : []) if (isObject(operation)) strip(operation);
  }
}

/** The OpenAPI 3.0.3 form of an OpenAPI 3.1 document; the input is left as it is. */
export function toApimOpenApi(document: JsonObject): JsonObject {
  // 3.0 ignores (and Redocly flags) anything beside a schema `$ref`, such as the `description` of
  // `messageTemplates`; allOfTransform wraps the `$ref` in an allOf so the description is kept.
  const converted = new Converter(document, { allOfTransform: true }).convert() as JsonObject;
  finishDownConversion(converted);
  withoutSubscriptionKey(converted);
  return converted;
}

/** Reads the 3.1 contract at `source` and writes its 3.0.3 rendition to `target`. */
export async function writeApimOpenApi(source: string, target: string): Promise<void> {
  const document = JSON.parse(await readFile(source, 'utf8')) as JsonObject;
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, `${JSON.stringify(toApimOpenApi(document), null, 2)}\n`);
}
