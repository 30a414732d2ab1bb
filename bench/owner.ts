import type { LocalStack } from '../local/stack.js';

/** Signs in as the seeded demo owner; returns request headers and the demo waitlist's waitees URL. */
export async function demoOwner(stack: LocalStack): Promise<{ headers: Record<string, string>; waiteesUrl: string; waitlistId: string }> {
  const demo = stack.demo;
  if (demo === null) throw new Error('demo data missing');
  const response = await fetch(`${stack.apiUrl}/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'password', email: demo.ownerEmail, password: demo.ownerPassword }),
  });
  const { access_token: token } = (await response.json()) as { access_token: string };
  return {
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    waiteesUrl: `${stack.apiUrl}/v1/restaurants/${demo.restaurantId}/waitlists/${demo.waitlistId}/waitees`,
    waitlistId: demo.waitlistId,
  };
}
