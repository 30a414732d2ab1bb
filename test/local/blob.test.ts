import { describe, expect, it } from 'vitest';
import { startLocalStack } from '../../local/stack.js';
import { Api, newVenue } from '../support/stack.js';
import { blobRequest, type Ticket } from '../uploads/support.js';

describe('Azurite in the local stack', () => {
  it('listens on a free loopback port over https, lets only the host stand origin upload, and stops with the stack', async () => {
    const stack = await startLocalStack({ port: 0, seed: false, passwordHashCost: 10, timers: false });
    let closed = false;
    try {
      const endpoint = new URL(stack.blob.endpoint);
      expect(endpoint.protocol).toBe('https:');
      expect(endpoint.hostname).toBe('127.0.0.1');
      expect(endpoint.port).not.toBe('10000');

      const venue = await newVenue(new Api(stack.apiUrl));
      const asked = await venue.owner.api.post<Ticket>(`/v1/restaurants/${venue.restaurantId}/uploads`, {
        kind: 'logo',
        contentType: 'image/png',
        size: 100,
      });
      const preflight = (origin: string) =>
        blobRequest('OPTIONS', asked.body.uploadUrl, undefined, {
          origin,
          'access-control-request-method': 'PUT',
          'access-control-request-headers': Object.keys(asked.body.requestHeaders).join(','),
        });
      const allowed = await preflight(stack.baseUrl);
      expect(allowed.status).toBe(200);
      expect(allowed.headers['access-control-allow-origin']).toBe(stack.baseUrl);
      expect(String(allowed.headers['access-control-allow-methods'])).toContain('PUT');
      expect((await preflight('https://elsewhere.example')).status).toBe(403);

      await stack.close();
      closed = true;
      await expect(blobRequest('GET', `${stack.blob.endpoint}/uploads?restype=container`)).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      if (!closed) await stack.close();
    }
  });
});
