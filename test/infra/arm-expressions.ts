/**
 * Resolves the simple ARM template expressions that Bicep emits, so infra tests compare values, not
 * the way one Bicep version happens to print them: one version writes a queue name as the literal
 * `sb/notifications`, the next as `[format('{0}/{1}', parameters('namespaceName'),
 * variables('queueName'))]`, and every `loadTextContent` result moves into `variables('$fxv#N')`.
 *
 * Written here because no npm package evaluates ARM expressions offline (the real evaluator runs in
 * Azure Resource Manager). Only what is knowable at compile time is evaluated: literals,
 * `variables()`, `parameters()` (a module's from the value its parent passes, else the default),
 * property and index access, and the string functions below. Anything else (`reference()`,
 * `resourceId()`, `subscription()`, a top-level parameter without a default) stays opaque and is
 * written back as its own expression text, `<reference(…)>` inside a string.
 */
import type { Json, JsonObject } from './arm.js';

/** Where an expression is evaluated: a template, the values its parent passed, and that parent. */
export interface Scope {
  readonly template: JsonObject;
  /** Parameter values passed by the parent deployment, as the parent wrote them. */
  readonly passed?: Readonly<Record<string, Json>>;
  readonly parent?: Scope;
}

/** A value only Azure knows at deployment time, kept as the expression text that produces it. */
class Opaque {
  constructor(readonly source: string) {}
}

type Value = Json | Opaque;

type Node =
  { kind: 'literal'; value: string | number } | { kind: 'call'; name: string; args: Node[] } | { kind: 'member'; target: Node; key: Node };

const isRecord = (value: Value | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Opaque);

function tokenize(source: string): string[] {
  const tokens: string[] = [];
  const pattern = /\s*('(?:[^']|'')*'|-?\d+(?:\.\d+)?|[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+(?=\s*\()|[A-Za-z_$][\w$]*|[(),.[\]])/y;
  let match: RegExpExecArray | null;
  while (pattern.lastIndex < source.length && (match = pattern.exec(source)) !== null) tokens.push(String(match[1]));
  if (pattern.lastIndex < source.trimEnd().length) throw new Error(`cannot read ARM expression ${source}`);
  return tokens;
}

function parse(source: string): Node {
  const tokens = tokenize(source);
  let at = 0;
  const next = (): string => tokens[at++] ?? '';
  const expect = (token: string): void => {
    if (next() !== token) throw new Error(`expected ${token} in ARM expression ${source}`);
  };
  const primary = (): Node => {
    const token = next();
    if (token.startsWith("'")) return { kind: 'literal', value: token.slice(1, -1).replaceAll("''", "'") };
    if (/^-?\d/.test(token)) return { kind: 'literal', value: Number(token) };
    // A user-defined function is called by its namespace, `__bicep.name(…)`: kept opaque.
    expect('(');
    const args: Node[] = [];
    while (tokens[at] !== ')') {
      args.push(expression());
      if (tokens[at] === ',') at++;
    }
    expect(')');
    return { kind: 'call', name: token, args };
  };
  const expression = (): Node => {
    let node = primary();
    for (;;) {
      if (tokens[at] === '.') {
        at++;
        node = { kind: 'member', target: node, key: { kind: 'literal', value: next() } };
      } else if (tokens[at] === '[') {
        at++;
        node = { kind: 'member', target: node, key: expression() };
        expect(']');
      } else return node;
    }
  };
  const node = expression();
  if (at !== tokens.length) throw new Error(`unexpected ${tokens[at]} in ARM expression ${source}`);
  return node;
}

function print(node: Node): string {
  if (node.kind === 'literal') return typeof node.value === 'string' ? `'${node.value.replaceAll("'", "''")}'` : String(node.value);
  if (node.kind === 'call') return `${node.name}(${node.args.map(print).join(', ')})`;
  const key = node.key.kind === 'literal' && typeof node.key.value === 'string' ? `.${node.key.value}` : `[${print(node.key)}]`;
  return `${print(node.target)}${key}`;
}

/** A resolved value as text inside a larger string: opaque parts as `<expression>`. */
function asText(value: Value): string {
  if (value instanceof Opaque) return `<${value.source}>`;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function parameter(name: string, scope: Scope): Value {
  if (scope.passed !== undefined && name in scope.passed) {
    const passed = scope.passed[name] ?? null;
    return scope.parent === undefined ? passed : evaluateValue(passed, scope.parent);
  }
  const declared = (scope.template.parameters as JsonObject | undefined)?.[name];
  if (isRecord(declared) && 'defaultValue' in declared) return evaluateValue(declared.defaultValue ?? null, scope);
  return new Opaque(`parameters('${name}')`);
}

function variable(name: string, scope: Scope): Value {
  const variables = scope.template.variables;
  if (!isRecord(variables) || !(name in variables)) return new Opaque(`variables('${name}')`);
  return evaluateValue(variables[name] ?? null, scope);
}

function call(node: Extract<Node, { kind: 'call' }>, scope: Scope): Value {
  const args = node.args.map((arg) => evaluateNode(arg, scope));
  const [first] = args;
  const opaque = args.some((arg) => arg instanceof Opaque);
  switch (node.name.toLowerCase()) {
    case 'variables':
      return typeof first === 'string' ? variable(first, scope) : new Opaque(print(node));
    case 'parameters':
      return typeof first === 'string' ? parameter(first, scope) : new Opaque(print(node));
    case 'format':
      return asText(first ?? '').replace(/\{(\d+)(:[^}]*)?\}/g, (_, index: string) => asText(args[Number(index) + 1] ?? ''));
    case 'concat': {
      const arrays = args.filter((arg) => Array.isArray(arg));
      if (arrays.length === 0) return args.map(asText).join('');
      return arrays.length === args.length ? arrays.flat() : new Opaque(print(node));
    }
    case 'string':
      return opaque ? new Opaque(print(node)) : asText(first ?? null);
    case 'tolower':
      return typeof first === 'string' ? first.toLowerCase() : new Opaque(print(node));
    case 'toupper':
      return typeof first === 'string' ? first.toUpperCase() : new Opaque(print(node));
    case 'true':
      return true;
    case 'false':
      return false;
    case 'null':
      return null;
    default:
      return new Opaque(print(node));
  }
}

function evaluateNode(node: Node, scope: Scope): Value {
  if (node.kind === 'literal') return node.value;
  if (node.kind === 'call') return call(node, scope);
  const target = evaluateNode(node.target, scope);
  const key = evaluateNode(node.key, scope);
  if (Array.isArray(target) && typeof key === 'number') return target[key] ?? new Opaque(print(node));
  if (isRecord(target) && typeof key === 'string' && key in target) return target[key] ?? null;
  return new Opaque(print(node));
}

function evaluateValue(value: Json, scope: Scope): Value {
  if (typeof value === 'string') {
    // `[[` escapes a literal string that starts with a bracket.
    if (value.startsWith('[[')) return value.slice(1);
    if (value.startsWith('[') && value.endsWith(']')) return evaluateNode(parse(value.slice(1, -1)), scope);
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => settle(evaluateValue(item, scope)));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, settle(evaluateValue(item, scope))]));
  return value;
}

/** Opaque values become their expression again, as ARM would print them. */
function settle(value: Value): Json {
  return value instanceof Opaque ? `[${value.source}]` : value;
}

/** A JSON value from a compiled template with every compile-time expression in it evaluated. */
export function resolve(value: Json | undefined, scope: Scope): Json {
  return settle(evaluateValue(value ?? null, scope));
}
