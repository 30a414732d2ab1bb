/** The restaurant and waitlist this device last ran, so the next sign-in opens the line directly. */
export interface LastChoice {
  readonly restaurantId: string;
  readonly waitlistId: string;
}

const key = 'waitlist.lastChoice';

export function loadLastChoice(): LastChoice | null {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(key) ?? 'null');
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { restaurantId, waitlistId } = parsed as Record<string, unknown>;
    return typeof restaurantId === 'string' && typeof waitlistId === 'string' ? { restaurantId, waitlistId } : null;
  } catch {
    return null;
  }
}

export function saveLastChoice(choice: LastChoice | null): void {
  try {
    if (choice === null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(choice));
  } catch {
    // Storage refused: the picker asks next time.
  }
}
