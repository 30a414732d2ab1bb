import createClient from 'openapi-fetch';
import { joinLinkAlphabet, joinLinkCodeLength } from '../../../src/domain/join.js';
import type { RuntimeConfig } from '../api/config.js';
import type { components, paths } from '../api/schema.js';
import { explainJoinFailure, joinNetworkSentence, type JoinFailure } from '../lib/join-problems.js';

export type JoinSummary = components['schemas']['JoinSummary'];
export type StartJoinRequest = components['schemas']['StartJoinRequest'];
export type JoinStarted = components['schemas']['JoinStarted'];
export type JoinConfirmed = components['schemas']['JoinConfirmed'];

export type Answer<T> = { readonly ok: true; readonly data: T } | { readonly ok: false; readonly failure: JoinFailure };

/** The three public join operations, each answered as data or a sentence for the guest (never a throw). */
export interface JoinApi {
  summary(): Promise<Answer<JoinSummary>>;
  start(request: StartJoinRequest): Promise<Answer<JoinStarted>>;
  confirm(joinId: string, code: string): Promise<Answer<JoinConfirmed>>;
}

async function answered<T>(call: () => Promise<{ data?: T; error?: unknown; response: Response }>): Promise<Answer<T>> {
  try {
    const { data, error, response } = await call();
    if (response.ok && data !== undefined) return { ok: true, data };
    return { ok: false, failure: explainJoinFailure(response.status, error, response.headers.get('retry-after')) };
  } catch {
    return { ok: false, failure: { sentence: joinNetworkSentence, next: 'stay' } };
  }
}

/** The join routes are public: no session, no token, no subscription key (APIM's public product). */
export function createJoinApi(config: RuntimeConfig, joinCode: string): JoinApi {
  const client = createClient<paths>({ baseUrl: config.apiBaseUrl });
  const path = { joinCode };
  return {
    summary: () => answered(() => client.GET('/v1/join/{joinCode}', { params: { path } })),
    // A started join answers 202 with the join id; a signed-in customer's 201 cannot happen here (no token is sent).
    start: (request) =>
      answered(async () => {
        const result = await client.POST('/v1/join/{joinCode}', { params: { path }, body: request });
        return { ...result, data: result.data !== undefined && 'joinId' in result.data ? result.data : undefined };
      }),
    confirm: (joinId, code) => answered(() => client.POST('/v1/join/{joinCode}/confirm', { params: { path }, body: { joinId, code } })),
  };
}

const joinPath = new RegExp(`^/j/([${joinLinkAlphabet}]{${joinLinkCodeLength}})/?$`);

/** The join link's code from the page's address, /j/{code} (the server's alphabet and length). */
export function joinCodeFromPath(pathname: string): string | null {
  return joinPath.exec(pathname)?.[1] ?? null;
}
