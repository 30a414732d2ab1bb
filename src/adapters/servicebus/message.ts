/** What travels on the notifications queue: enough to point-read the notification record. */
export interface NotificationMessage {
  readonly notificationId: string;
  readonly waitlistId: string;
}

export function isNotificationMessage(body: unknown): body is NotificationMessage {
  if (typeof body !== 'object' || body === null) return false;
  const { notificationId, waitlistId } = body as Record<string, unknown>;
  return typeof notificationId === 'string' && typeof waitlistId === 'string';
}
