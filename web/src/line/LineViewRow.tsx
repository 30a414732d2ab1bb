import type { ReactNode } from 'react';
import { RowActions } from '../app/extensions.js';
import type { Restaurant, Waitee, Waitlist } from '../app/screens.js';
import { quotedMinutes, quoteStanding, quoteText } from '../lib/quote.js';
import { waitedUntilOffered } from '../lib/time.js';
import { rowTextStatus, statusText, usePartyTexts } from './LineViewTexts.js';

export interface LineRowProps {
  readonly party: Waitee;
  readonly line: readonly Waitee[];
  readonly restaurant: Restaurant;
  readonly waitlist: Waitlist;
  readonly now: Date;
}

/** One party: place, name, size, notes, wait against quote (colour and words), status and text status, then its actions. */
export function LineViewRow({ party, line, restaurant, waitlist, now }: LineRowProps): ReactNode {
  const texts = usePartyTexts(restaurant.id, party);
  const waited = waitedUntilOffered(party, now);
  const quoted = quotedMinutes(party, line, waitlist.defaultWaitMinutes, now);
  const standing = quoteStanding(waited, quoted);
  const text = rowTextStatus(party, texts.data, restaurant.timeZone);
  return (
    <li className={`party party--${standing}`} aria-labelledby={`party-${party.id}-name`}>
      <span className="party__position" aria-label={`Position ${party.position ?? '–'}`}>
        {party.position ?? '–'}
      </span>
      <div className="party__who">
        <span className="party__name" id={`party-${party.id}-name`}>
          {party.name}
        </span>{' '}
        <span className="party__size">party of {party.partySize}</span>
        {party.notes === null || party.notes === '' ? null : <p className="party__notes">{party.notes}</p>}
      </div>
      <div className="party__facts">
        <span className={`party__wait party__wait--${standing}`}>{quoteText(waited, quoted)}</span>
        <span className={`party__status party__status--${party.status}`}>{statusText(party, texts.data, now)}</span>
        {text === null ? null : <span className={`party__text party__text--${text.outcome}`}>{text.text}</span>}
      </div>
      {RowActions === null ? null : (
        <div className="party__actions">
          <RowActions waitee={party} restaurant={restaurant} waitlist={waitlist} />
        </div>
      )}
    </li>
  );
}
