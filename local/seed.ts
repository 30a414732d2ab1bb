import type { Services } from '../src/application/services.js';
import { register } from '../src/application/auth/sessions.js';
import { createRestaurant } from '../src/application/restaurants.js';
import { createWaitlist } from '../src/application/waitlists.js';

export const demoOwner = { email: 'owner@demo.local', password: 'correct-horse-battery-staple', displayName: 'Demo Owner' } as const;

export interface DemoData {
  readonly ownerEmail: string;
  readonly ownerPassword: string;
  readonly restaurantId: string;
  readonly waitlistId: string;
}

/** A restaurant with an owner and an open waitlist, made through the same use cases the API runs. */
export async function seedDemo(s: Services): Promise<DemoData> {
  const owner = await register(s, { ...demoOwner, phone: '+14155550100' });
  const restaurant = await createRestaurant(
    s,
    { userId: owner.id },
    { name: 'Demo Bistro', timeZone: 'America/Los_Angeles', phone: '+14155550199' },
  );
  const waitlist = await createWaitlist(s, { userId: owner.id }, restaurant.id, {
    name: 'Dinner',
    open: true,
    defaultWaitMinutes: 20,
    gracePeriodMinutes: 10,
    messageTemplates: {},
  });
  return { ownerEmail: demoOwner.email, ownerPassword: demoOwner.password, restaurantId: restaurant.id, waitlistId: waitlist.id };
}
