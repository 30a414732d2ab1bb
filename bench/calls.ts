import type { LocalStack } from '../local/stack.js';
import { demoOwner } from './owner.js';

/** The operations the host stand repeats all evening, and the Cosmos DB requests each one makes before it answers. */
export interface OperationCalls {
  readonly getLine: number;
  /** The host stand's poll: the line filtered to waiting and notified parties. */
  readonly getLineHostStand: number;
  readonly getLinePartOfLine: number;
  readonly addParty: number;
  readonly notify: number;
  readonly seat: number;
  /** Staff cancelling a waiting party: the move, and its "left" entry in the waitlist's history. */
  readonly cancel: number;
}

/** The fixed line the counts are taken on (the emulator copies its container per query, so size matters locally). */
export const partiesInLine = 20;

async function expectStatus(response: Promise<Response>, status: number, what: string): Promise<unknown> {
  const answered = await response;
  if (answered.status !== status) throw new Error(`${what}: ${answered.status} ${await answered.text()}`);
  return answered.json();
}

/**
 * Counts, at the embedded Cosmos DB, the requests the real @azure/cosmos client sends for each
 * operation (query plans included), one operation at a time. The stack must run without queue
 * triggers and timers, so the consumer's and the producer's calls are not counted as the request's.
 */
export async function countOperationCalls(stack: LocalStack): Promise<OperationCalls> {
  const { headers, waiteesUrl } = await demoOwner(stack);
  const add = (i: number) =>
    expectStatus(
      fetch(waiteesUrl, { method: 'POST', headers, body: JSON.stringify({ name: `Party ${i}`, partySize: 2, phone: '+14155550123' }) }),
      201,
      'add party',
    );
  for (let i = 0; i < partiesInLine; i++) await add(i);
  // Steady state, as on a worker that has served the evening so far: the client's container caches
  // are filled and today's text counters exist, so a first-of-the-day write is not counted.
  const first = (await add(partiesInLine)) as { id: string };
  await expectStatus(fetch(`${waiteesUrl}/${first.id}/notify`, { method: 'POST', headers }), 200, 'warm-up notify');
  await expectStatus(fetch(`${waiteesUrl}/${first.id}/seat`, { method: 'POST', headers }), 200, 'warm-up seat');
  const count = (run: () => Promise<unknown>) => stack.cosmos.requests.during(run).then(({ requests }) => requests);

  const getLine = await count(() => expectStatus(fetch(`${waiteesUrl}?limit=50`, { headers }), 200, 'GET line'));
  const getLineHostStand = await count(() =>
    expectStatus(fetch(`${waiteesUrl}?limit=100&status=waiting&status=notified`, { headers }), 200, 'GET line as the host stand polls'),
  );
  const getLinePartOfLine = await count(() => expectStatus(fetch(`${waiteesUrl}?limit=5`, { headers }), 200, 'GET part of the line'));
  let party: { id: string } | undefined;
  const addParty = await count(async () => {
    party = (await add(partiesInLine + 1)) as { id: string };
  });
  if (party === undefined) throw new Error('add party returned nothing');
  const partyUrl = `${waiteesUrl}/${party.id}`;
  const notify = await count(() => expectStatus(fetch(`${partyUrl}/notify`, { method: 'POST', headers }), 200, 'notify'));
  const seat = await count(() => expectStatus(fetch(`${partyUrl}/seat`, { method: 'POST', headers }), 200, 'seat'));
  const leaving = (await add(partiesInLine + 2)) as { id: string };
  const cancel = await count(() => expectStatus(fetch(`${waiteesUrl}/${leaving.id}/cancel`, { method: 'POST', headers }), 200, 'cancel'));
  return { getLine, getLineHostStand, getLinePartOfLine, addParty, notify, seat, cancel };
}
