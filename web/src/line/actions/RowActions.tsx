import { useMutation, useQueryClient, type UseMutationResult } from '@tanstack/react-query';
import { lazy, Suspense, useState, type ReactNode } from 'react';
import { useApi } from '../../api/context.js';
import { queryKeys, refreshLine } from '../../api/queries.js';
import type { Restaurant, RowActionsProps, Waitee } from '../../app/screens.js';
import { MoveGuard, movesFor, notifyCaveat, type MoveButton, type WaiteeAction } from '../../lib/moves.js';
import { neverArrived } from '../../lib/problems.js';
import { PartyTexts } from '../../texts/PartyTexts.js';
import { lineNotices } from './notices.js';
import { moveDoneText, moveFailedText, sendMove } from './send-move.js';

/** Loaded on the first edit: it carries the phone number library (see WalkInPanel). */
const EditParty = lazy(() => import('./EditParty.js'));

/** One guard for the whole app: two rows rendering the same party still send one request per version. */
const guard = new MoveGuard();

/** One tap's request; retried (same If-Match) while the network fails, see main.tsx. */
interface Move {
  readonly action: WaiteeAction;
  readonly party: Waitee;
  attempts: number;
}

/** Sends a move and says above the line what became of it; the line and the party's texts are read again either way. */
function useMove(restaurant: Restaurant, party: Waitee): UseMutationResult<Waitee, Error, Move> {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (move: Move) => {
      move.attempts += 1;
      return sendMove(api, move.action, move.party);
    },
    onSuccess: (_moved, { action, party: before }) => {
      lineNotices.say(moveDoneText(action, before), 'status');
    },
    onError: (error, { action, party: before, attempts }) => {
      if (neverArrived(error)) guard.release(before, action);
      lineNotices.say(moveFailedText(error, before, attempts), 'alert');
    },
    // After a success to show the new state, after a conflict to show what someone else made of it
    // (an unchanged line costs a 304).
    onSettled: async () => {
      await Promise.all([
        refreshLine(queryClient, restaurant.id, party.waitlistId),
        queryClient.invalidateQueries({ queryKey: queryKeys.texts(restaurant.id, party.waitlistId, party.id) }),
      ]);
    },
  });
}

/** The question before a no-show or a cancel, with the two answers. */
function Confirm({ button, onYes, onNo }: { button: MoveButton; onYes: () => void; onNo: () => void }): ReactNode {
  return (
    <div className="row-actions__confirm" role="group" aria-label={button.confirm ?? ''}>
      <p>{button.confirm}</p>
      <button type="button" className="button button--danger" autoFocus onClick={onYes}>
        Yes, {button.label.toLowerCase()}
      </button>
      <button type="button" className="button" onClick={onNo}>
        Keep in line
      </button>
    </div>
  );
}

/** A row's moves: one tap each, a question first for no-show and cancel, only the moves the server allows. */
export function RowActions({ waitee, restaurant }: RowActionsProps): ReactNode {
  const move = useMove(restaurant, waitee);
  const [confirming, setConfirming] = useState<MoveButton | null>(null);
  const [panel, setPanel] = useState<'edit' | 'texts' | null>(null);
  const toggle = (which: 'edit' | 'texts'): void => {
    setPanel(panel === which ? null : which);
  };

  const run = (button: MoveButton): void => {
    setConfirming(null);
    if (button.move === 'edit') toggle('edit');
    else if (guard.claim(waitee, button.move)) move.mutate({ action: button.move, party: waitee, attempts: 0 });
  };

  const caveat = notifyCaveat(waitee);
  return (
    <div className="row-actions">
      {confirming === null ? (
        <div className="row-actions__buttons" role="group" aria-label={`Actions for ${waitee.name}`}>
          {movesFor(waitee).map((button) => (
            <button
              key={button.move}
              type="button"
              className={`button ${button.confirm === null ? '' : 'button--danger'} ${button.move === 'edit' && panel === 'edit' ? 'button--pressed' : ''}`}
              aria-pressed={button.move === 'edit' ? panel === 'edit' : undefined}
              disabled={move.isPending && button.move !== 'edit'}
              title={button.move === 'notify' ? (caveat ?? undefined) : undefined}
              onClick={() => {
                if (button.confirm === null) run(button);
                else setConfirming(button);
              }}
            >
              {button.label}
              <span className="visually-hidden"> {waitee.name}</span>
            </button>
          ))}
          <button
            type="button"
            className="button button--quiet"
            aria-expanded={panel === 'texts'}
            onClick={() => {
              toggle('texts');
            }}
          >
            Texts<span className="visually-hidden"> to {waitee.name}</span>
          </button>
        </div>
      ) : (
        <Confirm
          button={confirming}
          onYes={() => {
            run(confirming);
          }}
          onNo={() => {
            setConfirming(null);
          }}
        />
      )}
      {move.isPaused ? (
        <p className="row-actions__waiting" role="status">
          Waiting for the connection; this will be sent when it is back.
        </p>
      ) : null}
      {panel === 'edit' ? (
        <Suspense fallback={<p role="status">Opening the form…</p>}>
          <EditParty
            party={waitee}
            restaurant={restaurant}
            onDone={() => {
              setPanel(null);
            }}
          />
        </Suspense>
      ) : null}
      {panel === 'texts' ? <PartyTexts party={waitee} restaurant={restaurant} /> : null}
    </div>
  );
}
