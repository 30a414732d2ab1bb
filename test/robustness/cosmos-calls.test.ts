import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countOperationCalls, type OperationCalls } from '../../bench/calls.js';
import { demoOwner } from '../../bench/owner.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';

/**
 * Round trips are what an operation costs in Azure: every request the real @azure/cosmos client
 * sends (query plans included) is counted at the embedded Cosmos DB, one operation at a time, on a
 * line of a fixed size. Without queue triggers and timers, so the consumer's calls are not counted.
 */
describe('Cosmos DB calls per operation', () => {
  let stack: LocalStack;
  let calls: OperationCalls;
  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, passwordHashCost: 10, timers: false, queueTriggers: false });
    calls = await countOperationCalls(stack);
  });
  afterAll(async () => {
    await stack.close();
  });

  it('GET line makes at most 3 Cosmos calls when the page holds the whole line', () => {
    expect(calls.getLine).toBeLessThanOrEqual(3);
  });

  it('the host stand’s poll (waiting and notified, one page) makes at most 3 Cosmos calls', () => {
    expect(calls.getLineHostStand).toBeLessThanOrEqual(3);
  });

  it('GET a page of a longer line makes at most 5 Cosmos calls (one projection query for positions)', () => {
    expect(calls.getLinePartOfLine).toBeLessThanOrEqual(5);
  });

  it('adding a party makes at most 5 Cosmos calls, notify at most 6 before it answers, seat at most 6', () => {
    // The membership and waitlist batch, the line with its admissions document (a query and its plan), the status link, and one batch for the admissions document and the party.
    expect(calls.addParty).toBeLessThanOrEqual(5);
    // The membership and waitlist batch, the party and the line's places in one query (2 with its plan), the two day counters, and the move's batch with its text and due entries.
    expect(calls.notify).toBeLessThanOrEqual(6);
    // The batch of reads, the party, the move's batch (its due entries in it, the analytics count's among them), the waitlist's history, the line for "getting close" (2 with its plan).
    expect(calls.seat).toBeLessThanOrEqual(6);
  });

  // The waitlist is in another container than its parties, so its "left" entry cannot share the move's batch.
  it('cancelling a party makes at most 6 Cosmos calls: its "left" entry in the waitlist history among them', () => {
    expect(calls.cancel).toBeLessThanOrEqual(6);
  });

  it('positions are the same whether they come from the page or from the projection query', async () => {
    const { headers, waiteesUrl } = await demoOwner(stack);
    type Item = { id: string; status: string; position: number | null; estimatedWaitMinutes: number | null };
    type Page = { items: Item[]; continuationToken: string | null };
    const whole = (await (await fetch(`${waiteesUrl}?limit=100`, { headers })).json()) as Page;
    expect(whole.continuationToken).toBeNull();
    const pages: Page['items'] = [];
    let token: string | null = null;
    do {
      const query: string = token === null ? '' : `&continuationToken=${encodeURIComponent(token)}`;
      const page = (await (await fetch(`${waiteesUrl}?limit=4${query}`, { headers })).json()) as Page;
      pages.push(...page.items);
      token = page.continuationToken;
    } while (token !== null);
    // Quotes move with the clock between the two reads (a band nobody is seated from slows down), so they are compared within a minute or two.
    const timeless = ({ estimatedWaitMinutes: _minutes, estimatedWaitRange: _range, ...rest }: Item & { estimatedWaitRange?: unknown }) =>
      rest;
    expect(pages.map(timeless)).toEqual(whole.items.map(timeless));
    pages.forEach((item, i) => {
      const quoted = whole.items[i]?.estimatedWaitMinutes ?? null;
      if (item.estimatedWaitMinutes === null || quoted === null) expect(item.estimatedWaitMinutes).toBe(quoted);
      else expect(Math.abs(item.estimatedWaitMinutes - quoted)).toBeLessThanOrEqual(2);
    });
    const waiting = whole.items.filter((w) => w.status === 'waiting' || w.status === 'notified');
    expect(waiting.map((w) => w.position)).toEqual(waiting.map((_, i) => i + 1));
    expect(whole.items.filter((w) => w.status === 'seated').every((w) => w.position === null)).toBe(true);
  });

  it('notify answers with the position and quote the line shows for the party right after', async () => {
    const { headers, waiteesUrl } = await demoOwner(stack);
    type Item = { id: string; status: string; position: number | null; estimatedWaitMinutes: number | null };
    const line = (await (await fetch(`${waiteesUrl}?limit=100&status=waiting`, { headers })).json()) as { items: Item[] };
    const third = line.items[2];
    if (third === undefined) throw new Error('the line is shorter than 3');
    const notified = (await (await fetch(`${waiteesUrl}/${third.id}/notify`, { method: 'POST', headers })).json()) as Item;
    const after = (await (await fetch(`${waiteesUrl}/${third.id}`, { headers })).json()) as Item;
    expect(notified).toMatchObject({ id: third.id, status: 'notified', position: third.position });
    expect(notified.position).not.toBeNull();
    expect(after).toMatchObject({ status: 'notified', position: notified.position });
    expect(Math.abs((after.estimatedWaitMinutes ?? 0) - (notified.estimatedWaitMinutes ?? 0))).toBeLessThanOrEqual(1);
  });
});
