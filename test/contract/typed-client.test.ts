/**
 * The contract as a generated client reads it: types from openapi-typescript (the generator the web
 * app uses, default options) and a small openapi-fetch program type-checked against them. What the
 * API accepts must type-check, what it refuses must not (the `@ts-expect-error` lines fail the
 * check if the generated types stop refusing it).
 */
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

const client = `
import createClient from 'openapi-fetch';
import type { components, paths } from './schema.js';

const api = createClient<paths>({ baseUrl: 'https://gateway.example.test/api' });
const restaurantId = '00000000-0000-4000-8000-000000000000';
const path = { restaurantId };

// Fields with defaults may be left out of a request.
void api.POST('/v1/restaurants', { body: { name: 'Chez Typed' } });
void api.POST('/v1/restaurants/{restaurantId}/waitlists', { params: { path }, body: { name: 'Dinner' } });
void api.POST('/v1/restaurants/{restaurantId}/invitations', { params: { path }, body: { email: 'cook@example.test' } });

// The password grant takes email (or username) and password.
void api.POST('/v1/auth/token', { body: { grant_type: 'password', email: 'ada@example.test', password: 'violet-lantern-orbit-42' } });
void api.POST('/v1/auth/token', { body: { grant_type: 'password', username: 'ada@example.test', password: 'violet-lantern-orbit-42' } });
void api.POST('/v1/auth/token', { body: { grant_type: 'refresh_token', refresh_token: 'r' } });
// @ts-expect-error A password grant without the password.
void api.POST('/v1/auth/token', { body: { grant_type: 'password', email: 'ada@example.test' } });
// @ts-expect-error A password grant without email or username.
void api.POST('/v1/auth/token', { body: { grant_type: 'password', password: 'violet-lantern-orbit-42' } });
// @ts-expect-error A waitlist without its name.
void api.POST('/v1/restaurants/{restaurantId}/waitlists', { params: { path }, body: { open: false } });

// A response carries every field, defaults included.
export async function settings(): Promise<[boolean, number, number, string, 'owner' | 'staff']> {
  const waitlist = await api.POST('/v1/restaurants/{restaurantId}/waitlists', { params: { path }, body: { name: 'Dinner' } });
  const restaurant = await api.POST('/v1/restaurants', { body: { name: 'Chez Typed' } });
  const invitation = await api.POST('/v1/restaurants/{restaurantId}/invitations', { params: { path }, body: { email: 'cook@example.test' } });
  if (waitlist.data === undefined || restaurant.data === undefined || invitation.data === undefined) throw new Error('refused');
  return [waitlist.data.open, waitlist.data.defaultWaitMinutes, waitlist.data.gracePeriodMinutes, restaurant.data.timeZone, invitation.data.role];
}

// Each invalid input of a validation problem is typed.
export function firstInvalid(problem: components['schemas']['ValidationFailedProblem']): [string, 'path' | 'query' | 'header' | 'body', string] {
  const [first] = problem.errors;
  if (first === undefined) throw new Error('no errors');
  return [first.pointer, first.where, first.message];
}
`;

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'waitlist-typed-client-'));
  // The program imports openapi-fetch as a client project would: from its node_modules.
  await symlink(join(root, 'node_modules'), join(work, 'node_modules'), 'dir');
  const types = astToString(await openapiTS(new URL('openapi/openapi.json', `file://${root}`)));
  await writeFile(join(work, 'schema.d.ts'), types);
  await writeFile(join(work, 'client.ts'), client);
}, 60_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

it('types what the API accepts and refuses what it does not (openapi-typescript + openapi-fetch)', () => {
  const program = ts.createProgram([join(work, 'client.ts')], {
    strict: true,
    noEmit: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: false,
    target: ts.ScriptTarget.ES2023,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    types: [],
  });
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file === undefined || d.start === undefined ? '' : `line ${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: `;
    return `${where}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
  expect(diagnostics).toEqual([]);
}, 60_000);
