import { useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useSession } from '../api/context.js';
import { Link, navigate, paths } from './router.js';

/** The bar on every signed-in screen: where the host is, a way to switch, and sign-out. */
export function TopBar({ restaurantName, waitlistName }: { restaurantName?: string; waitlistName?: string }): ReactNode {
  const session = useSession();
  const queryClient = useQueryClient();
  const signOut = async (): Promise<void> => {
    await session.signOut();
    queryClient.clear();
    navigate(paths.signIn, { replace: true });
  };
  return (
    <header className="topbar">
      <div className="topbar__names">
        <span className="topbar__restaurant">{restaurantName ?? 'Host stand'}</span>
        {waitlistName === undefined ? null : <span className="topbar__waitlist">{waitlistName}</span>}
      </div>
      <div className="topbar__actions">
        {restaurantName === undefined ? null : (
          <Link to={paths.picker} className="button button--quiet">
            Switch
          </Link>
        )}
        <button type="button" className="button button--quiet" onClick={() => void signOut()}>
          Sign out
        </button>
      </div>
    </header>
  );
}
