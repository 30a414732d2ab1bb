import { lazy, Suspense, useEffect, useRef, useState, type ReactNode } from 'react';
import type { WalkInProps } from '../app/screens.js';
import { lineNotices, useLineNotice } from './actions/notices.js';

const loadPanel = () => import('./WalkInPanel.js');
const WalkInPanel = lazy(loadPanel);

/** Says above the line what became of the last move made here (see actions/notices.ts). */
function LineNoticeBar(): ReactNode {
  const notice = useLineNotice();
  if (notice === null) return null;
  return (
    <div className={`notice notice--${notice.tone}`} role={notice.tone} key={notice.id}>
      <p>{notice.text}</p>
      <button
        type="button"
        className="button button--quiet"
        onClick={() => {
          lineNotices.dismiss(notice.id);
        }}
      >
        Dismiss
      </button>
    </div>
  );
}

/**
 * Above the line: what became of the last move, and the walk-in form behind one button. The form
 * is fetched when the host reaches for the button (hover, focus), so it opens at once.
 */
export function WalkInForm({ restaurant, waitlist }: WalkInProps): ReactNode {
  // The form stays mounted once opened and is hidden when closed, so what was typed survives closing it.
  const [state, setState] = useState<'never-opened' | 'open' | 'closed'>('never-opened');
  const openButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (state === 'closed') openButton.current?.focus();
  }, [state]);
  return (
    <section className="walk-in" aria-label="Walk-ins">
      <LineNoticeBar />
      {state === 'open' ? null : (
        <button
          ref={openButton}
          type="button"
          className="button button--primary walk-in__open"
          onPointerEnter={() => void loadPanel()}
          onFocus={() => void loadPanel()}
          onClick={() => {
            setState('open');
          }}
        >
          Add walk-in
        </button>
      )}
      {state === 'never-opened' ? null : (
        <div hidden={state === 'closed'}>
          <Suspense fallback={<p role="status">Opening the form…</p>}>
            <WalkInPanel
              restaurant={restaurant}
              waitlist={waitlist}
              visible={state === 'open'}
              onClose={() => {
                setState('closed');
              }}
            />
          </Suspense>
        </div>
      )}
    </section>
  );
}
