/**
 * Helpers for reading the ARM JSON that `bicep build` emits: the Bicep CLI builds the templates,
 * these functions only walk them. Modules appear as nested `Microsoft.Resources/deployments`
 * resources whose `properties.template` is the module and `properties.parameters` the values the
 * parent passes.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolve, type Scope } from './arm-expressions.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function obj(value: Json | undefined, what: string): JsonObject {
  if (!isObject(value)) throw new Error(`${what} is not an object`);
  return value;
}

export function str(value: Json | undefined, what: string): string {
  if (typeof value !== 'string') throw new Error(`${what} is not a string`);
  return value;
}

export interface Resource {
  /** Module path from main, e.g. `api` or `` for main itself. */
  readonly module: string;
  readonly type: string;
  readonly name: string;
  readonly body: JsonObject;
  readonly properties: JsonObject;
  /** Where the resource's expressions are evaluated (see `resolved`). */
  readonly scope: Scope;
}

export interface Module {
  readonly name: string;
  readonly template: JsonObject;
  /** Parameter values the parent passes, as ARM expressions or literals. */
  readonly parameters: Record<string, Json>;
  readonly scope: Scope;
}

function resourceList(template: JsonObject): JsonObject[] {
  const resources = template.resources;
  // languageVersion 2.0 templates key resources by symbolic name.
  const list = Array.isArray(resources) ? resources : isObject(resources) ? Object.values(resources) : [];
  return list.filter(isObject);
}

export function modules(main: JsonObject): Map<string, Module> {
  const found = new Map<string, Module>();
  const visit = (template: JsonObject, prefix: string, parent: Scope): void => {
    for (const resource of resourceList(template)) {
      if (resource.type !== 'Microsoft.Resources/deployments') continue;
      const properties = obj(resource.properties, 'deployment properties');
      const name = `${prefix}${str(resource.name, 'deployment name')}`;
      const parameters = Object.fromEntries(
        Object.entries(isObject(properties.parameters) ? properties.parameters : {}).map(([key, value]) => [
          key,
          obj(value, key).value ?? null,
        ]),
      );
      const template = obj(properties.template, `${name} template`);
      const scope: Scope = { template, passed: parameters, parent };
      found.set(name, { name, template, parameters, scope });
      visit(template, `${name}/`, scope);
    }
  };
  visit(main, '', { template: main });
  return found;
}

/** The resources of one type (ARM types are case-insensitive). */
export const byType = (all: readonly Resource[], type: string): Resource[] =>
  all.filter((r) => r.type.toLowerCase() === type.toLowerCase());

/** A JSON value as text, for matching: strings as they are, anything else serialised. */
export const text = (value: Json | undefined): string => (typeof value === 'string' ? value : JSON.stringify(value ?? null));

export function resources(main: JsonObject): Resource[] {
  const all: Resource[] = [];
  const collect = (module: string, scope: Scope): void => {
    for (const body of resourceList(scope.template)) {
      // `existing` references (languageVersion 2.0 keeps them) are read, never deployed.
      if (body.type === 'Microsoft.Resources/deployments' || body.existing === true) continue;
      all.push({
        module,
        type: str(body.type, 'resource type'),
        name: str(body.name, 'resource name'),
        body,
        properties: isObject(body.properties) ? body.properties : {},
        scope,
      });
    }
  };
  collect('', { template: main });
  for (const module of modules(main).values()) collect(module.name, module.scope);
  return all;
}

/**
 * A value of a compiled template with its compile-time expressions evaluated where it stands:
 * variables, parameters (a module's from what its parent passes), format, concat. What only Azure
 * knows stays an expression, so `resolved(queue, queue.body.name)` reads `<parameters('namespaceName')>/notifications`.
 */
export function resolved(where: { readonly scope: Scope }, value: Json | undefined): Json {
  return resolve(value, where.scope);
}

/** The name of the parameter an expression is exactly, e.g. `[parameters('x')]` → `x`. */
export function parameterName(expression: Json | undefined): string | undefined {
  return typeof expression === 'string' ? /^\[parameters\('([^']+)'\)\]$/.exec(expression)?.[1] : undefined;
}

/** Every string anywhere in a JSON value, with its key. */
export function* strings(value: Json, key = ''): Generator<[string, string]> {
  if (typeof value === 'string') yield [key, value];
  else if (Array.isArray(value)) for (const item of value) yield* strings(item, key);
  else if (isObject(value)) for (const [k, v] of Object.entries(value)) yield* strings(v, k);
}

/** Every (key, value) pair anywhere in a JSON value. */
export function* entries(value: Json): Generator<[string, Json]> {
  if (Array.isArray(value)) for (const item of value) yield* entries(item);
  else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      yield [k, v];
      yield* entries(v);
    }
  }
}

export interface RunResult {
  readonly code: number;
  readonly output: string;
}

/** Runs a command without a shell; resolves with its exit code and merged output. */
export function run(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? repoRoot,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code: code ?? 1, output });
    });
  });
}
