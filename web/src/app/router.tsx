import { useSyncExternalStore, type MouseEvent, type ReactNode } from 'react';

/** The screens, as paths: the address bar is the state a reload or a bookmark brings back. */
export type Route =
  | { readonly name: 'home' }
  | { readonly name: 'sign-in' }
  | { readonly name: 'picker' }
  | { readonly name: 'line'; readonly restaurantId: string; readonly waitlistId: string }
  | { readonly name: 'waitlist-screen'; readonly restaurantId: string; readonly waitlistId: string; readonly screen: string }
  | { readonly name: 'restaurant-screen'; readonly restaurantId: string; readonly screen: string }
  | { readonly name: 'not-found' };

const segment = '([^/]+)';
const patterns: readonly [RegExp, (m: string[]) => Route][] = [
  [/^\/$/, () => ({ name: 'home' })],
  [/^\/sign-in$/, () => ({ name: 'sign-in' })],
  [/^\/restaurants$/, () => ({ name: 'picker' })],
  [
    new RegExp(`^/restaurants/${segment}/waitlists/${segment}$`),
    ([, r = '', w = '']) => ({ name: 'line', restaurantId: r, waitlistId: w }),
  ],
  [
    new RegExp(`^/restaurants/${segment}/waitlists/${segment}/${segment}$`),
    ([, r = '', w = '', s = '']) => ({ name: 'waitlist-screen', restaurantId: r, waitlistId: w, screen: s }),
  ],
  [new RegExp(`^/restaurants/${segment}/${segment}$`), ([, r = '', s = '']) => ({ name: 'restaurant-screen', restaurantId: r, screen: s })],
];

export function parseRoute(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  for (const [pattern, build] of patterns) {
    const match = pattern.exec(path);
    if (match !== null) return build(match.map((part) => decodeURIComponent(part)));
  }
  return { name: 'not-found' };
}

export const paths = {
  signIn: '/sign-in',
  picker: '/restaurants',
  line: (restaurantId: string, waitlistId: string): string =>
    `/restaurants/${encodeURIComponent(restaurantId)}/waitlists/${encodeURIComponent(waitlistId)}`,
  waitlistScreen: (restaurantId: string, waitlistId: string, screen: string): string =>
    `${paths.line(restaurantId, waitlistId)}/${encodeURIComponent(screen)}`,
  restaurantScreen: (restaurantId: string, screen: string): string =>
    `/restaurants/${encodeURIComponent(restaurantId)}/${encodeURIComponent(screen)}`,
} as const;

const listeners = new Set<() => void>();
const notify = (): void => {
  for (const listener of listeners) listener();
};
window.addEventListener('popstate', notify);

export function navigate(path: string, options: { readonly replace?: boolean } = {}): void {
  if (path === window.location.pathname) return;
  if (options.replace === true) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  notify();
}

const subscribe = (listener: () => void): (() => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export function useRoute(): Route {
  const pathname = useSyncExternalStore(subscribe, () => window.location.pathname);
  return parseRoute(pathname);
}

/** An in-app link: a real <a href> (open in a new tab, keyboard, screen readers), navigated without a reload. */
export function Link({
  to,
  children,
  className,
  current,
}: {
  to: string;
  children: ReactNode;
  className?: string;
  current?: boolean;
}): ReactNode {
  const onClick = (event: MouseEvent<HTMLAnchorElement>): void => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} className={className} onClick={onClick} aria-current={current === true ? 'page' : undefined}>
      {children}
    </a>
  );
}
