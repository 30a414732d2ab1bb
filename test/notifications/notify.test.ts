import { describe, expect, it } from 'vitest';
import { Api, newUser, newVenue, useLocalStack, type Json } from '../support/stack.js';

const stack = useLocalStack();
const api = () => new Api(stack().apiUrl);

async function eventually<T>(probe: () => Promise<T> | T, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('notify → SMS', () => {
  it('texts the party that their table is ready, with the status link, and shows staff what was sent', async () => {
    const venue = await newVenue(api());
    const party = await venue.owner.api.post(`${venue.waitlistPath}/waitees`, { name: 'Ada', phone: '+14155550123', partySize: 2 });
    const notified = await venue.owner.api.post(`${venue.waitlistPath}/waitees/${String(party.body.id)}/notify`);
    expect(notified.status).toBe(200);

    const outbox = await eventually(
      () =>
        stack()
          .sms.outbox()
          .filter((m) => m.to === '+14155550123'),
      (sent) => sent.length > 0,
    );
    expect(outbox).toHaveLength(1);
    expect(outbox[0]?.message).toContain('your table at Test Diner is ready');
    expect(outbox[0]?.message).toContain(String(party.body.statusUrl));
    expect(outbox[0]?.from).toBe('+18005550100');

    const devPage = (await (await fetch(`${stack().baseUrl}/dev/sms`)).json()) as Json[];
    expect(devPage.some((m) => m.to === '+14155550123')).toBe(true);

    const history = await eventually(
      () => venue.owner.api.get<{ items: Json[] }>(`${venue.waitlistPath}/waitees/${String(party.body.id)}/notifications`),
      (r) => r.body.items[0]?.status === 'sent',
    );
    expect(history.body.items).toHaveLength(1);
    expect(history.body.items[0]).toMatchObject({ kind: 'table-ready', status: 'sent', to: '+14155550123', attempts: 1 });
  });

  it('sends nothing to a party without a phone and refuses notifications to strangers', async () => {
    const venue = await newVenue(api());
    const party = await venue.owner.api.post(`${venue.waitlistPath}/waitees`, { name: 'No Phone', partySize: 2 });
    const before = stack().sms.outbox().length;
    await venue.owner.api.post(`${venue.waitlistPath}/waitees/${String(party.body.id)}/notify`);
    const stranger = await newUser(api());
    expect((await stranger.api.get(`${venue.waitlistPath}/waitees/${String(party.body.id)}/notifications`)).status).toBe(404);
    expect(
      (await venue.owner.api.get<{ items: Json[] }>(`${venue.waitlistPath}/waitees/${String(party.body.id)}/notifications`)).body.items,
    ).toEqual([]);
    expect(stack().sms.outbox().length).toBe(before);
  });
});

describe('message templates', () => {
  it('uses the waitlist’s own text and refuses templates that are too long or use unknown variables', async () => {
    const venue = await newVenue(api());
    const tooLong = await venue.owner.api.patch(venue.waitlistPath, { messageTemplates: { 'table-ready': `{name} ${'x'.repeat(600)}` } });
    expect(tooLong.status).toBe(400);
    expect(String(tooLong.body.detail)).toContain('SMS segments');
    const unknown = await venue.owner.api.patch(venue.waitlistPath, { messageTemplates: { 'table-ready': 'Hi {nickname}' } });
    expect(unknown.status).toBe(400);
    expect(String(unknown.body.detail)).toContain('{nickname}');

    const saved = await venue.owner.api.patch<{ messageTemplates: Record<string, string> }>(venue.waitlistPath, {
      messageTemplates: { 'table-ready': '{name}, table for you at {restaurant}! {statusUrl}' },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.messageTemplates['table-ready']).toBe('{name}, table for you at {restaurant}! {statusUrl}');
    expect(saved.body.messageTemplates['re-page']).toContain('{name}');

    const party = await venue.owner.api.post(`${venue.waitlistPath}/waitees`, { name: 'Lin', phone: '+14155550177', partySize: 2 });
    await venue.owner.api.post(`${venue.waitlistPath}/waitees/${String(party.body.id)}/notify`);
    const sent = await eventually(
      () =>
        stack()
          .sms.outbox()
          .filter((m) => m.to === '+14155550177'),
      (messages) => messages.length > 0,
    );
    expect(sent[0]?.message).toBe(`Lin, table for you at Test Diner! ${String(party.body.statusUrl)}`);
  });
});
