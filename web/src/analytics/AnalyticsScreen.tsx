import { lazy, Suspense, type ReactNode } from 'react';
import type { ScreenDefinition, ScreenProps } from '../app/screens.js';

// Loaded when the screen is opened: the host stand's first screen is the line, and this is not needed for it.
const AnalyticsView = lazy(async () => ({ default: (await import('./AnalyticsView.js')).AnalyticsView }));

function AnalyticsScreen(props: ScreenProps): ReactNode {
  return (
    <Suspense fallback={<p role="status">Loading analytics…</p>}>
      <AnalyticsView {...props} />
    </Suspense>
  );
}

/** Owners and staff read the figures; the CSV export inside is for owners only. */
export const screen: ScreenDefinition = {
  path: 'analytics',
  label: 'Analytics',
  scope: 'restaurant',
  order: 5,
  Component: AnalyticsScreen,
};
