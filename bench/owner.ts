import type { LocalStack } from '../local/stack.js';

/** The seeded demo owner, signed in. */
export interface DemoOwner {
  readonly token: string;
  /** Request headers carrying the token, for JSON bodies. */
  readonly headers: Record<string, string>;
  readonly restaurantId: string;
  readonly waitlistId: string;
  /** The demo waitlist's waitees, below the API's base (`/v1/restaurants/…/waitees`). */
  readonly waiteesPath: string;
  /** The same, as a full URL on the stack. */
  readonly waiteesUrl: string;
}

/** Signs in as the seeded demo owner (a sign-in that fails throws, with the answer). */
export async function demoOwner(stack: LocalStack): Promise<DemoOwner> {
  const demo = stack.demo;
  if (demo === null) throw new Error('demo data missing');
  const response = await fetch(`${stack.apiUrl}/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'password', email: demo.ownerEmail, password: demo.ownerPassword }),
  });
  if (!response.ok) throw new Error(`demo owner sign-in: ${String(response.status)} ${await response.text()}`);
  const { access_token: token } = (await response.json()) as { access_token: string };
  const waiteesPath = `/v1/restaurants/${demo.restaurantId}/waitlists/${demo.waitlistId}/waitees`;
  return {
    token,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    restaurantId: demo.restaurantId,
    waitlistId: demo.waitlistId,
    waiteesPath,
    waiteesUrl: `${stack.apiUrl}${waiteesPath}`,
  };
}
