import { describe, expect, it } from 'vitest';
import { expectProblem } from '../support/problems.js';
import { phoneNumber } from '../support/notifications.js';
import { Api, newVenue, useLocalStack, type ApiResponse } from '../support/stack.js';
import { guest, joinLinkOf } from './support.js';

/**
 * One-time codes per phone number (3 an hour) and per client address (10 an hour, the defaults)
 * hold under 20 parallel requests. Every request here comes from 127.0.0.1, so the address's
 * count runs through the whole file, in order.
 */
const stack = useLocalStack();
const api = () => new Api(stack().apiUrl);
const perNumber = 3;
const perAddress = 10;

function expectExactly(answers: readonly ApiResponse[], admitted: number, limit: number): void {
  expect(answers.filter((a) => a.status === 202).length, answers.map((a) => a.status).join(',')).toBe(admitted);
  for (const refused of answers.filter((a) => a.status !== 202)) {
    expect(expectProblem(refused, 429, 'too-many-attempts')).toMatchObject({ limit });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3000);
  }
}

describe('one-time code limits under 20 parallel requests', () => {
  it(`sends exactly ${perNumber} codes to one number, the other 17 get 429 with Retry-After`, async () => {
    const venue = await newVenue(api());
    const code = await joinLinkOf(venue);
    const answers = await Promise.all(Array.from({ length: 20 }, () => api().post(`/v1/join/${code}`, guest(phoneNumber(9301)))));
    expectExactly(answers, perNumber, perNumber);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(
      stack()
        .sms.outbox()
        .filter((m) => m.to === phoneNumber(9301)),
    ).toHaveLength(perNumber);
  });

  it(`counts the number across restaurants`, async () => {
    const other = await newVenue(api());
    const code = await joinLinkOf(other);
    const refused = await api().post(`/v1/join/${code}`, guest(phoneNumber(9301)));
    expectProblem(refused, 429, 'too-many-attempts');
  });

  it(`lets exactly ${perAddress} codes in an hour from one address, whatever the numbers`, async () => {
    const venue = await newVenue(api());
    const code = await joinLinkOf(venue);
    // The first test's 3 codes, and its 17 refused requests plus the second test's (refused by the number before the address counts them).
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => api().post(`/v1/join/${code}`, guest(phoneNumber(9400 + i)))));
    expectExactly(answers, perAddress - perNumber, perAddress);
  });
});
