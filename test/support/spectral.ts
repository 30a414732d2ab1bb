/**
 * Spectral over the OpenAPI document: the `spectral:oas` recommended rules plus the OWASP API
 * Security ruleset, the way a client team's own tooling would read the contract. This module is the
 * project's `.spectral.yaml`: every rule or location turned off carries its reason next to it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document, Ruleset, Spectral, type RulesetDefinition } from '@stoplight/spectral-core';
import { Json as JsonParser } from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';
import owasp from '@stoplight/spectral-owasp-ruleset';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** `openapi/openapi.json#<JSON pointer>`, with the path segment of `/v1/x` escaped as `~1v1~1x`. */
const at = (...segments: string[]): string =>
  `openapi/openapi.json#/${segments.map((s) => s.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;

/** Locations where a rule says something untrue of this API, each with the reason. */
const exceptions: { readonly rules: readonly string[]; readonly files: readonly string[] }[] = [
  {
    // The status link is a capability URL texted to the party: a phone opens it without signing in,
    // so the token has to be in the path. It is 16 random characters, shows a party's place and
    // nothing else, and dies when the party leaves the line (docs/api.md, Public status).
    rules: ['owasp:api2:2023-no-credentials-in-url'],
    files: [at('components', 'parameters', 'StatusToken')],
  },
  {
    // A paging cursor the API hands out, not a credential: the rule matches "token" in any name.
    rules: ['owasp:api2:2023-no-credentials-in-url'],
    files: [at('components', 'parameters', 'ContinuationToken')],
  },
  {
    // `$..headers` also matches the map of reusable header definitions, which is not a response.
    rules: ['owasp:api8:2023-define-cors-origin'],
    files: [at('components', 'headers')],
  },
  {
    // Lists of entity-tags, compared and never stored: the Functions host's 32 KiB header limit is
    // the only bound, and a longer value is answered like any other that matches nothing.
    rules: ['owasp:api4:2023-string-limit'],
    files: [at('components', 'parameters', 'IfMatch'), at('components', 'parameters', 'IfNoneMatch')],
  },
  {
    // These strings are built from deployment settings (JWT_ISSUER, JWT_AUDIENCE, JWT_SIGNING_KEYS,
    // PUBLIC_BASE_URL), which the app does not limit in length, so any maxLength would be invented.
    rules: ['owasp:api4:2023-string-limit', 'owasp:api4:2023-array-limit'],
    files: [
      at('components', 'schemas', 'OpenIdConfiguration'),
      at('components', 'schemas', 'JsonWebKeySet', 'properties', 'keys'),
      at('components', 'schemas', 'TokenResponse', 'properties', 'access_token'),
      at('components', 'schemas', 'Waitee', 'properties', 'statusUrl'),
    ],
  },
  {
    // Sentences the server writes for people; they quote the input they are about, so their length
    // follows that input rather than a limit of their own.
    rules: ['owasp:api4:2023-string-limit'],
    files: [
      at('components', 'schemas', 'Problem', 'properties', 'detail'),
      at('components', 'schemas', 'ValidationError', 'properties', 'message'),
      at('components', 'schemas', 'OAuthError', 'properties', 'error_description'),
    ],
  },
  {
    // A text is rendered from a template (640 characters at most) with the party's and restaurant's
    // names in it; templates are checked to fit 3 SMS segments with worst-case values
    // (src/domain/messages.ts), which is a segment count, not a character count.
    rules: ['owasp:api4:2023-string-limit'],
    files: [at('components', 'schemas', 'Notification', 'properties', 'message')],
  },
  {
    // The id Azure Communication Services gives a message; its length is not documented.
    rules: ['owasp:api4:2023-string-limit'],
    files: [at('components', 'schemas', 'Notification', 'properties', 'providerMessageId')],
  },
  {
    // Not capped by the product: a restaurant may have any number of members (25 invitations may
    // be pending at a time, not 25 accepted), an address be invited by any number of restaurants, a
    // customer hold a place in any number of lines, and a notified party be notified again. These
    // lists are answered whole.
    rules: ['owasp:api4:2023-array-limit'],
    files: [
      at('components', 'schemas', 'MemberList', 'properties', 'items'),
      at('components', 'schemas', 'MyInvitationList', 'properties', 'items'),
      at('components', 'schemas', 'WaiteeList', 'properties', 'items'),
      at('components', 'schemas', 'NotificationList', 'properties', 'items'),
    ],
  },
];

export const spectralRuleset: RulesetDefinition = {
  extends: [
    [oas as RulesetDefinition, 'recommended'],
    // Its types declare an ES default export; loaded from ESM, the CommonJS module is the ruleset itself.
    [owasp as unknown as RulesetDefinition, 'recommended'],
  ],
  overrides: exceptions.map(({ rules, files }) => ({ files: [...files], rules: Object.fromEntries(rules.map((rule) => [rule, 'off'])) })),
};

export interface SpectralFinding {
  readonly severity: 'error' | 'warning' | 'information' | 'hint';
  readonly rule: string;
  readonly path: string;
  readonly message: string;
}

const severities = ['error', 'warning', 'information', 'hint'] as const;

/** Runs the ruleset over a document (a path relative to the repository root). */
export async function spectralLint(document = 'openapi/openapi.json'): Promise<SpectralFinding[]> {
  const source = join(root, document);
  const spectral = new Spectral();
  // Overrides are matched against paths relative to the ruleset's own location: the repository root.
  spectral.setRuleset(new Ruleset(spectralRuleset, { severity: 'recommended', source: join(root, '.spectral.js') }));
  const results = await spectral.run(new Document(await readFile(source, 'utf8'), JsonParser, source));
  return results.map((r) => ({
    severity: severities[r.severity],
    rule: String(r.code),
    path: `#/${r.path.map((s) => String(s).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`,
    message: r.message,
  }));
}
