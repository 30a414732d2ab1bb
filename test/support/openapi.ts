import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/**
 * The OpenAPI document (openapi/openapi.json) as a test oracle: finds the operation a request hit,
 * checks that the response's status is documented for it, and validates headers and body against
 * the documented schemas with Ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1).
 */

export const openApiPath = new URL('../../openapi/openapi.json', import.meta.url);

export const operationMethods = ['get', 'put', 'post', 'delete', 'patch'] as const;
export type OperationMethod = (typeof operationMethods)[number];

export type JsonSchema = Readonly<Record<string, unknown>> | boolean;

export interface Reference {
  readonly $ref: string;
}

export interface HeaderObject {
  readonly required?: boolean;
  readonly schema?: JsonSchema;
}

export interface MediaTypeObject {
  readonly schema?: JsonSchema;
}

export interface ResponseObject {
  readonly description: string;
  readonly headers?: Readonly<Record<string, HeaderObject | Reference>>;
  readonly content?: Readonly<Record<string, MediaTypeObject>>;
}

export interface ParameterObject {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly required?: boolean;
  readonly schema?: JsonSchema;
}

export interface RequestBodyObject {
  readonly required?: boolean;
  readonly content: Readonly<Record<string, MediaTypeObject>>;
}

export interface OperationObject {
  readonly operationId: string;
  readonly tags?: readonly string[];
  readonly summary?: string;
  readonly description?: string;
  readonly security?: readonly Readonly<Record<string, readonly string[]>>[];
  readonly parameters?: readonly (ParameterObject | Reference)[];
  readonly requestBody?: RequestBodyObject | Reference;
  readonly responses: Readonly<Record<string, ResponseObject | Reference>>;
}

export type PathItemObject = Readonly<Partial<Record<OperationMethod, OperationObject>>>;

export interface OpenApiDocument {
  readonly openapi: string;
  readonly servers?: readonly { readonly url: string }[];
  readonly security?: readonly Readonly<Record<string, readonly string[]>>[];
  readonly paths: Readonly<Record<string, PathItemObject>>;
  readonly components: {
    readonly securitySchemes?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
    readonly schemas: Readonly<Record<string, JsonSchema>>;
    readonly responses?: Readonly<Record<string, ResponseObject>>;
    readonly parameters?: Readonly<Record<string, ParameterObject>>;
    readonly headers?: Readonly<Record<string, HeaderObject>>;
    readonly requestBodies?: Readonly<Record<string, RequestBodyObject>>;
  };
}

export function loadOpenApi(): OpenApiDocument {
  return JSON.parse(readFileSync(openApiPath, 'utf8')) as OpenApiDocument;
}

const isReference = (value: unknown): value is Reference =>
  typeof value === 'object' && value !== null && typeof (value as { $ref?: unknown }).$ref === 'string';

/** Follows a local `$ref` (`#/components/...`) within the document. */
export function resolve<T>(doc: OpenApiDocument, value: T | Reference): T {
  let current: unknown = value;
  for (let hops = 0; isReference(current); hops++) {
    if (hops > 10) throw new Error('reference cycle');
    const ref = current.$ref;
    if (!ref.startsWith('#/')) throw new Error(`only local references are supported: ${ref}`);
    current = ref
      .slice(2)
      .split('/')
      .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
      .reduce<unknown>(
        (node, key) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined),
        doc,
      );
    if (current === undefined) throw new Error(`unresolved reference ${ref}`);
  }
  return current as T;
}

/** Every (path template, method) the document describes. */
export function documentedOperations(doc: OpenApiDocument): { path: string; method: OperationMethod; operation: OperationObject }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    operationMethods.flatMap((method) => {
      const operation = item[method];
      return operation === undefined ? [] : [{ path, method, operation }];
    }),
  );
}

/** The security requirements that apply to an operation: its own, or the document's. */
const requirementsOf = (doc: OpenApiDocument, operation: OperationObject) => operation.security ?? doc.security ?? [];

/**
 * Whether every way to call the operation needs `scheme` (a requirement object lists schemes that
 * are all needed; the list offers alternatives). `security: []` needs nothing.
 */
export function requiresScheme(doc: OpenApiDocument, operation: OperationObject, scheme: 'bearerAuth' | 'subscriptionKey'): boolean {
  const requirements = requirementsOf(doc, operation);
  return requirements.length > 0 && requirements.every((requirement) => scheme in requirement);
}

const schemasId = 'urn:waitlist:openapi:schemas';

/**
 * Rewrites `#/components/schemas/X` to the Ajv id of the component schemas and drops OpenAPI's
 * `discriminator` (an annotation; `oneOf` already decides, and Ajv rejects its `mapping`).
 */
function forAjv(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(forAjv);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'discriminator')
      .map(([key, v]) => [
        key,
        key === '$ref' && typeof v === 'string' ? v.replace('#/components/schemas/', `${schemasId}#/$defs/`) : forAjv(v),
      ]),
  );
}

const formatErrors = (errors: readonly ErrorObject[] | null | undefined): string[] =>
  (errors ?? []).map(
    (e) =>
      `${e.instancePath === '' ? '(root)' : e.instancePath} ${e.message ?? 'is invalid'}${Object.keys(e.params).length > 0 ? ` ${JSON.stringify(e.params)}` : ''}`,
  );

/** What the checker needs of a response: the Api helper's ApiResponse fits. */
export interface ObservedResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

export interface MatchedOperation {
  readonly path: string;
  readonly method: OperationMethod;
  readonly operation: OperationObject;
}

interface CompiledTemplate {
  readonly path: string;
  readonly pattern: RegExp;
  readonly literalSegments: number;
}

const mediaTypeOf = (headers: Headers): string | null => headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() ?? null;

export class OpenApiContract {
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly templates: CompiledTemplate[];
  /** `METHOD /template` → statuses seen, for coverage checks. */
  readonly seen = new Map<string, Set<number>>();

  constructor(readonly doc: OpenApiDocument = loadOpenApi()) {
    this.ajv = new Ajv2020({ strict: true, strictTypes: false, allowUnionTypes: true, allErrors: true });
    addFormats.default(this.ajv);
    this.ajv.addSchema({ $id: schemasId, $defs: forAjv(doc.components.schemas) }, schemasId);
    this.templates = Object.keys(doc.paths)
      .map((path) => {
        const segments = path.split('/');
        const names = segments.filter((s) => /^\{\w+\}$/.test(s));
        const source = segments.map((s) => (/^\{\w+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
        return { path, pattern: new RegExp(`^${source}$`), literalSegments: segments.length - names.length };
      })
      .sort((a, b) => b.literalSegments - a.literalSegments);
  }

  /** The documented path template for a concrete request path (relative to the `/api` server, query ignored). */
  templateFor(requestPath: string): string | null {
    const path = requestPath.split('?')[0] ?? requestPath;
    return this.templates.find((t) => t.pattern.test(path))?.path ?? null;
  }

  operationFor(method: string, requestPath: string): MatchedOperation | null {
    const path = this.templateFor(requestPath);
    const lower = method.toLowerCase() as OperationMethod;
    const operation = path === null ? undefined : this.doc.paths[path]?.[lower];
    return path === null || operation === undefined ? null : { path, method: lower, operation };
  }

  /** Validates a value against a schema given by a JSON pointer into the document, or inline. */
  validate(schema: JsonSchema, value: unknown, cacheKey: string): string[] {
    let validator = this.validators.get(cacheKey);
    if (validator === undefined) {
      validator = this.ajv.compile(forAjv(schema) as Record<string, unknown>);
      this.validators.set(cacheKey, validator);
    }
    return validator(value) ? [] : formatErrors(validator.errors);
  }

  validateComponent(name: string, value: unknown): string[] {
    return this.validate({ $ref: `#/components/schemas/${name}` }, value, `component:${name}`);
  }

  /** Problems with a response to `method requestPath`, or [] when it matches the document. */
  check(method: string, requestPath: string, response: ObservedResponse): string[] {
    const where = `${method.toUpperCase()} ${requestPath} → ${response.status}`;
    const matched = this.operationFor(method, requestPath);
    if (matched === null) {
      const template = this.templateFor(requestPath);
      if (template === null) return [`${where}: no documented path matches`];
      // A method the route does not take: the dispatcher's 405 problem, which no operation describes.
      if (response.status !== 405) return [`${where}: ${method.toUpperCase()} is not documented for ${template}`];
      this.record(`${method.toUpperCase()} ${template}`, response.status);
      return [
        ...(mediaTypeOf(response.headers) === 'application/problem+json'
          ? []
          : [`${where}: content type ${String(mediaTypeOf(response.headers))}`]),
        ...(response.headers.get('allow') === null ? [`${where}: no Allow header`] : []),
        ...this.validateComponent('Problem', response.body).map((e) => `${where}: ${e}`),
        ...((response.body as { type?: unknown }).type === 'urn:waitlist:problem:method-not-allowed'
          ? []
          : [`${where}: not a method-not-allowed problem`]),
      ];
    }
    const operationKey = `${method.toUpperCase()} ${matched.path}`;
    this.record(operationKey, response.status);
    const statusKey = String(response.status);
    const documented =
      matched.operation.responses[statusKey] ??
      matched.operation.responses[`${statusKey[0] ?? ''}XX`] ??
      matched.operation.responses.default;
    if (documented === undefined)
      return [
        `${where}: status ${statusKey} is not documented for ${operationKey} (documented: ${Object.keys(matched.operation.responses).join(', ')})`,
      ];
    const spec = resolve<ResponseObject>(this.doc, documented);
    const problems: string[] = [];

    for (const [name, headerOrRef] of Object.entries(spec.headers ?? {})) {
      const header = resolve<HeaderObject>(this.doc, headerOrRef);
      const value = response.headers.get(name);
      if (value === null) {
        if (header.required === true) problems.push(`${where}: required header ${name} is missing`);
        continue;
      }
      if (header.schema !== undefined) {
        const typed = typeof header.schema === 'object' && header.schema.type === 'integer' && /^\d+$/.test(value) ? Number(value) : value;
        problems.push(
          ...this.validate(header.schema, typed, `${operationKey} ${statusKey} header ${name}`).map((e) => `${where}: header ${name} ${e}`),
        );
      }
    }
    if (response.headers.get('x-correlation-id') === null) problems.push(`${where}: no x-correlation-id header`);

    const content = spec.content;
    if (content === undefined) {
      if (response.body !== '' && response.body !== undefined)
        problems.push(`${where}: documented without a body but got ${JSON.stringify(response.body).slice(0, 200)}`);
      return problems;
    }
    const mediaType = mediaTypeOf(response.headers);
    const media = mediaType === null ? undefined : content[mediaType];
    if (media === undefined)
      return [
        ...problems,
        `${where}: content type ${String(mediaType)} is not documented (documented: ${Object.keys(content).join(', ')})`,
      ];
    if (media.schema !== undefined) {
      problems.push(
        ...this.validate(media.schema, response.body, `${operationKey} ${statusKey} ${String(mediaType)}`).map(
          (e) => `${where}: body ${e}`,
        ),
      );
    }
    return problems;
  }

  /** Throws when the response does not match the document, quoting the body for diagnosis. */
  assertResponse(method: string, requestPath: string, response: ObservedResponse): void {
    const problems = this.check(method, requestPath, response);
    if (problems.length > 0)
      throw new Error(
        `Response does not match openapi/openapi.json:\n  ${problems.join('\n  ')}\nbody: ${JSON.stringify(response.body).slice(0, 1500)}`,
      );
  }

  /** Problems with a request body against the documented request schema for its content type. */
  checkRequestBody(method: string, requestPath: string, contentType: string, body: unknown): string[] {
    const matched = this.operationFor(method, requestPath);
    if (matched === null) return [`${method} ${requestPath}: not documented`];
    if (matched.operation.requestBody === undefined) return [`${method} ${requestPath}: documented without a request body`];
    const requestBody = resolve<RequestBodyObject>(this.doc, matched.operation.requestBody);
    const media = requestBody.content[contentType];
    if (media?.schema === undefined) return [`${method} ${requestPath}: request content type ${contentType} is not documented`];
    return this.validate(media.schema, body, `${method.toUpperCase()} ${matched.path} request ${contentType}`);
  }

  private record(key: string, status: number): void {
    const statuses = this.seen.get(key) ?? new Set<number>();
    statuses.add(status);
    this.seen.set(key, statuses);
  }
}
