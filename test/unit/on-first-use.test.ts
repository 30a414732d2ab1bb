import { describe, expect, it } from 'vitest';
import { onFirstUse } from '../../src/composition/services.js';

describe('onFirstUse (how the composition root defers the SDKs)', () => {
  it('builds nothing until the first use, then once for every later use', async () => {
    let builds = 0;
    const client = onFirstUse(() => Promise.resolve({ id: ++builds }));
    expect(builds).toBe(0);
    const [first, second] = await Promise.all([client(), client()]);
    expect(await client()).toBe(first);
    expect(second).toBe(first);
    expect(builds).toBe(1);
  });

  it('does not keep a failed build: the next use tries again and reports its own failure', async () => {
    const outcomes = [new Error('SERVICEBUS_NAMESPACE is missing'), new Error('the module failed to load'), 'connected'];
    let builds = 0;
    const client = onFirstUse(() => {
      const outcome = outcomes[builds++];
      return outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve(outcome);
    });
    await expect(client()).rejects.toThrow('SERVICEBUS_NAMESPACE is missing');
    await expect(client()).rejects.toThrow('the module failed to load');
    expect(await client()).toBe('connected');
    expect(await client()).toBe('connected');
    expect(builds).toBe(3);
  });
});
