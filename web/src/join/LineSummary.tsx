import type { ReactNode } from 'react';
import type { components } from '../api/schema.js';
import { rangeText } from '../../../src/domain/estimate.js';
import type { JoinSummary } from './join-api.js';

type Image = components['schemas']['Image'];

const parties = (n: number): string =>
  n === 0 ? 'No one is ahead of you' : n === 1 ? '1 party ahead of you' : `${n} parties ahead of you`;

/** A picture at the width the layout gives it: every derived size in srcset, the smallest as the fallback. */
function Picture({ image, sizes, className }: { image: Image; sizes: string; className: string }): ReactNode {
  const [smallest] = image.sources;
  if (smallest === undefined) return null;
  return (
    <img
      className={className}
      src={smallest.url}
      srcSet={image.sources.map((source) => `${source.url} ${source.width}w`).join(', ')}
      sizes={sizes}
      width={smallest.width}
      height={smallest.height}
      alt=""
      decoding="async"
    />
  );
}

function MenuLink({ menu }: { menu: NonNullable<NonNullable<JoinSummary['images']>['menu']> }): ReactNode {
  const href = menu.kind === 'pdf' ? menu.url : menu.pages[0]?.sources.at(-1)?.url;
  if (href === undefined) return null;
  return (
    <p className="join__menu">
      <a href={href} target="_blank" rel="noopener noreferrer">
        See the menu{menu.kind === 'pdf' ? ' (PDF)' : menu.pages.length > 1 ? ` (${menu.pages.length} pages)` : ''}
      </a>
    </p>
  );
}

/** The restaurant (its cover and logo when it has them), whether its line is open, and how long it is. */
export function LineSummary({ summary }: { summary: JoinSummary }): ReactNode {
  const { images } = summary;
  return (
    <header className="join__summary">
      {images?.cover !== undefined && <Picture image={images.cover} sizes="(max-width: 40rem) 100vw, 40rem" className="join__cover" />}
      {images?.logo !== undefined && <Picture image={images.logo} sizes="96px" className="join__logo" />}
      <h1 tabIndex={-1}>{summary.restaurantName}</h1>
      <p className="join__waitlist">{summary.waitlistName}</p>
      <div role="status" className="join__line">
        {summary.open ? (
          <>
            <p className="join__open">The line is open</p>
            <p>
              {parties(summary.partiesAhead)} · expected wait <strong>{rangeText(summary.estimatedWaitRange)}</strong>
            </p>
          </>
        ) : (
          <p className="join__closed">The line is closed right now: no one can join it from here. The host stand can help.</p>
        )}
      </div>
      {images?.menu !== undefined && <MenuLink menu={images.menu} />}
    </header>
  );
}
