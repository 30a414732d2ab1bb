import { useEffect, useState, type ReactNode } from 'react';
import { useConnectivity } from '../api/context.js';
import { agoText } from '../lib/time.js';

/**
 * Says plainly when the device is offline or the API cannot be reached, how old the data on screen
 * is, and that actions wait for the connection (TanStack Query holds mutations until it is back).
 */
export function OfflineBanner({ dataUpdatedAt }: { dataUpdatedAt: number | null }): ReactNode {
  const { online, browserOnline } = useConnectivity();
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    if (online) return;
    const timer = setInterval(() => {
      setNow(new Date());
    }, 10_000);
    return () => {
      clearInterval(timer);
    };
  }, [online]);
  if (online) return null;
  const cause = browserOnline ? 'The server cannot be reached.' : 'This device is offline.';
  const age =
    dataUpdatedAt === null || dataUpdatedAt === 0
      ? 'Nothing has been loaded yet.'
      : `The line shown was last updated ${agoText(new Date(dataUpdatedAt).toISOString(), now)}.`;
  return (
    <div className="banner banner--offline" role="status" aria-live="polite">
      <strong>{cause}</strong> {age} Actions wait until the connection is back; the app keeps trying.
    </div>
  );
}
