import type { ReactNode } from 'react';

/**
 * A chart or table wider than a phone, scrolled sideways rather than shrunk past reading. It takes
 * focus so the keyboard can scroll it too, and is named for screen readers that list regions.
 */
export function ScrollArea({ label, children }: { label: string; children: ReactNode }): ReactNode {
  return (
    <div className="chart__scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
