import type { RefreshTokenStore, StoredSession } from './session.js';

const key = 'waitlist.session';

/**
 * The refresh token as narrowly stored as a reload allows: in memory while the page is visible, in
 * this tab's sessionStorage only while it is hidden or unloading (a reload, a phone putting the tab
 * away), and taken out again as soon as the page is back. Other tabs never see it, it is gone when
 * the tab closes, and a script can find it in storage only while nobody is looking at the page.
 */
export function pageLifecycleStore(storage: Storage, page: Window): RefreshTokenStore {
  let current: StoredSession | null = null;
  const write = (): void => {
    try {
      if (current === null) storage.removeItem(key);
      else storage.setItem(key, JSON.stringify(current));
    } catch {
      // Storage refused (private mode, quota): a reload then asks to sign in.
    }
  };
  const clear = (): void => {
    try {
      storage.removeItem(key);
    } catch {
      // Nothing was stored.
    }
  };
  page.addEventListener('pagehide', write);
  page.addEventListener('pageshow', clear);
  page.document.addEventListener('visibilitychange', () => {
    if (page.document.visibilityState === 'hidden') write();
    else clear();
  });
  return {
    load() {
      try {
        const raw = storage.getItem(key);
        storage.removeItem(key);
        const parsed: unknown = raw === null ? null : JSON.parse(raw);
        if (typeof parsed !== 'object' || parsed === null) return null;
        const { refreshToken, email } = parsed as Record<string, unknown>;
        return typeof refreshToken === 'string' && typeof email === 'string' ? { refreshToken, email } : null;
      } catch {
        return null;
      }
    },
    save(session) {
      current = session;
      if (page.document.visibilityState === 'hidden' || session === null) write();
    },
  };
}
