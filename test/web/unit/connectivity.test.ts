import { describe, expect, it } from 'vitest';
import { Connectivity } from '../../../web/src/api/connectivity.js';

function deferredSend() {
  const pending: ((response: Response) => void)[] = [];
  const send = (): Promise<Response> =>
    new Promise((resolve) => {
      pending.push(resolve);
    });
  return { send, answer: (status: number) => pending.shift()?.(new Response(null, { status })) };
}

describe('connectivity', () => {
  it('stays offline when a request sent before the device went offline answers afterwards', async () => {
    const connectivity = new Connectivity(true);
    const network = deferredSend();
    const watched = connectivity.watch(network.send);
    const inFlight = watched(new Request('http://api.test/line'));
    connectivity.setBrowserOnline(false);
    network.answer(200);
    await inFlight;
    expect(connectivity.getSnapshot()).toEqual({ online: false, browserOnline: false, apiReachable: true });
  });

  it('is online again when a request sent after going offline is answered, even without an online event', async () => {
    const connectivity = new Connectivity(true);
    connectivity.setBrowserOnline(false);
    const network = deferredSend();
    const answered = connectivity.watch(network.send)(new Request('http://api.test/line'));
    network.answer(200);
    await answered;
    expect(connectivity.getSnapshot().online).toBe(true);
  });

  it('counts a failed connection or a gateway error as the API unreachable, any other answer as reachable', async () => {
    const connectivity = new Connectivity(true);
    const changes: boolean[] = [];
    connectivity.subscribe(() => changes.push(connectivity.getSnapshot().online));
    await expect(
      connectivity.watch(() => Promise.reject(new TypeError('fetch failed')))(new Request('http://api.test/')),
    ).rejects.toThrow();
    expect(connectivity.getSnapshot()).toEqual({ online: false, browserOnline: true, apiReachable: false });
    await connectivity.watch(() => Promise.resolve(new Response(null, { status: 503 })))(new Request('http://api.test/'));
    expect(connectivity.getSnapshot().apiReachable).toBe(false);
    await connectivity.watch(() => Promise.resolve(new Response(null, { status: 404 })))(new Request('http://api.test/'));
    expect(connectivity.getSnapshot().online).toBe(true);
    expect(changes).toEqual([false, true]);
  });
});
