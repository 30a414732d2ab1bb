import type { Membership, Restaurant, User, Versioned, Waitee, Waitlist } from '../domain/model.js';
import { defaultTemplates } from '../domain/messages.js';
import { allowedActions } from '../domain/waitee.js';

/** The API's representations: what each resource looks like on the wire (see openapi/openapi.json). */

export const userView = (user: User, memberships: readonly Membership[]) => ({
  id: user.id,
  email: user.email,
  displayName: user.displayName,
  phone: user.phone,
  createdAt: user.createdAt,
  memberships: memberships.map((m) => ({ restaurantId: m.restaurantId, role: m.role })),
});

export const restaurantView = ({ value, etag }: Versioned<Restaurant>, role: Membership['role']) => ({
  id: value.id,
  name: value.name,
  timeZone: value.timeZone,
  phone: value.phone,
  createdAt: value.createdAt,
  myRole: role,
  etag,
});

export const memberView = (m: Membership) => ({
  userId: m.userId,
  email: m.email,
  displayName: m.displayName,
  role: m.role,
  addedAt: m.addedAt,
});

export const waitlistView = ({ value, etag }: Versioned<Waitlist>, partiesInLine: number) => ({
  id: value.id,
  restaurantId: value.restaurantId,
  name: value.name,
  open: value.open,
  defaultWaitMinutes: value.defaultWaitMinutes,
  gracePeriodMinutes: value.gracePeriodMinutes,
  messageTemplates: { ...defaultTemplates, ...value.messageTemplates },
  partiesInLine,
  createdAt: value.createdAt,
  etag,
});

export interface LineFacts {
  readonly position: number | null;
  readonly estimatedWaitMinutes: number | null;
  readonly statusUrl: string;
}

export const waiteeView = ({ value, etag }: Versioned<Waitee>, facts: LineFacts) => ({
  id: value.id,
  restaurantId: value.restaurantId,
  waitlistId: value.waitlistId,
  name: value.name,
  phone: value.phone,
  partySize: value.partySize,
  notes: value.notes,
  status: value.status,
  source: value.source,
  position: facts.position,
  estimatedWaitMinutes: facts.estimatedWaitMinutes,
  allowedActions: allowedActions(value.status),
  statusUrl: facts.statusUrl,
  joinedAt: value.joinedAt,
  notifiedAt: value.notifiedAt,
  seatedAt: value.seatedAt,
  endedAt: value.endedAt,
  updatedAt: value.updatedAt,
  etag,
});

export type WaiteeView = ReturnType<typeof waiteeView>;
