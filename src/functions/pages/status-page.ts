import { createHash } from 'node:crypto';
import type { PublicStatus } from '../../application/waitees.js';
import { rangeText } from '../../domain/estimate.js';

/**
 * The status page a text's link opens on a phone: server-rendered, updated in place every few
 * seconds while the party is in line and never after (the visit is over). It shows only what the
 * public status JSON shows: nothing personal. The update is a few lines of script, not a
 * `<meta http-equiv="refresh">`: a timed reload moves a screen reader back to the top every time
 * (WCAG 2.2.1, axe's meta-refresh rule); replacing the live region's text announces the change instead.
 */

const updateSeconds = 5;

const style = `body{font:1.125rem/1.5 system-ui,sans-serif;margin:0 auto;max-width:32rem;padding:1rem;color:#1a1a1a;background:#fff}
h1{font-size:1.5rem;margin:.5rem 0}p.big{font-size:2rem;font-weight:700;margin:.25rem 0}
form{margin:1rem 0}button{font:inherit;padding:.75rem 1rem;min-height:48px;width:100%;border-radius:.5rem;border:2px solid #1a1a1a;background:#fff;color:#1a1a1a}
button.primary{background:#0b5394;border-color:#0b5394;color:#fff}.note{color:#444}`;

/** Reads this page again every few seconds: a new place goes into the status region; a finished visit replaces the page and stops. */
const live = `const main=document.querySelector('main[data-live]');
if(main){const tick=async()=>{try{const r=await fetch(location.pathname,{headers:{accept:'text/html'}});
if(r.ok){const next=new DOMParser().parseFromString(await r.text(),'text/html');const nextMain=next.querySelector('main');
if(!nextMain||!nextMain.hasAttribute('data-live')){if(nextMain)main.innerHTML=nextMain.innerHTML;return;}
const now=main.querySelector('[role=status]'),then=nextMain.querySelector('[role=status]');
if(now&&then&&now.innerHTML!==then.innerHTML)now.innerHTML=then.innerHTML;}}catch{}setTimeout(tick,${updateSeconds * 1000});};
setTimeout(tick,${updateSeconds * 1000});}`;

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64');

/** A strict policy: only this page's own style and script run, it reads only its own URL, and forms post back to the API. */
export const statusPagePolicy = `default-src 'none'; style-src 'sha256-${sha256(style)}'; script-src 'sha256-${sha256(live)}'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'; img-src https:`;

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** "14:18" on the restaurant's clock, where the guest is (a phone abroad still reads the restaurant's time). */
const time = (iso: string, timeZone: string) =>
  new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(new Date(iso));

function page(title: string, body: string, updating: boolean): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escape(title)}</title>
<style>${style}</style>
</head>
<body>
<main${updating ? ' data-live' : ''}>
${body}
</main>
${updating ? `<script>${live}</script>\n` : ''}</body>
</html>
`;
}

function whereInLine(status: PublicStatus): string {
  switch (status.status) {
    case 'waiting':
      return `<p>You are number</p><p class="big">${String(status.position ?? '–')}</p>
<p>in line for a party of ${status.partySize}. Expected wait: ${status.estimatedWaitRange === null ? 'a few minutes' : rangeText(status.estimatedWaitRange)}.</p>`;
    case 'notified':
      return `<p class="big">Your table is ready</p>
<p>Please come to the host stand. We hold it for ${status.gracePeriodMinutes} minutes${status.holdUntil === null ? '' : `, until ${time(status.holdUntil, status.timeZone)}`}.</p>`;
    case 'seated':
      return '<p class="big">You have been seated</p><p>Enjoy your meal. This page no longer updates.</p>';
    case 'cancelled':
      return '<p class="big">You have left the line</p><p>This page no longer updates.</p>';
    case 'no_show':
      return '<p class="big">Your table was given away</p><p>We could not hold it any longer. This page no longer updates.</p>';
  }
}

/** The page for a party, with its "on my way" and "leave" forms while it is in line. */
export function statusPage(status: PublicStatus, actionsUrl: string, confirmingLeave: boolean): string {
  const inLine = status.allowedActions.length > 0;
  const onMyWay =
    status.onMyWayAt === null
      ? `<form method="post" action="${escape(actionsUrl)}/on-my-way"><button class="primary" type="submit">I'm on my way</button></form>`
      : `<p class="note">You told the restaurant you are on your way (${time(status.onMyWayAt, status.timeZone)}).</p>`;
  const leave = confirmingLeave
    ? `<form method="post" action="${escape(actionsUrl)}/leave"><p>Leave the line? Your place will go to the next party.</p>
<input type="hidden" name="confirm" value="true"><button type="submit">Yes, leave the line</button></form>
<p><a href="${escape(actionsUrl)}">No, keep my place</a></p>`
    : `<form method="get" action="${escape(actionsUrl)}"><input type="hidden" name="leave" value="confirm"><button type="submit">Leave the line</button></form>`;
  // The logo at 96 px (192 on 2× screens), from its cached read URL (docs/deploy.md, Uploads); decorative beside the name.
  const logo = status.images?.logo?.sources ?? [];
  const logoTag =
    logo[0] === undefined
      ? ''
      : `<img src="${escape(logo[0].url)}" srcset="${logo.map((l) => `${escape(l.url)} ${l.width}w`).join(', ')}" sizes="96px" width="${logo[0].width}" height="${logo[0].height}" alt="">\n`;
  const body = `${logoTag}<h1>${escape(status.restaurantName)}</h1>
<p>${escape(status.waitlistName)}</p>
<div role="status">${whereInLine(status)}</div>
${inLine ? `${onMyWay}\n${leave}\n<p class="note">This page updates by itself every ${updateSeconds} seconds.</p>` : ''}`;
  // Updating would cancel a confirmation in progress, and a finished visit has nothing new to show.
  return page(`${status.restaurantName}: your place in line`, body, inLine && !confirmingLeave);
}

/** The page for a link that no longer works (expired, or never valid). */
export function statusLinkGonePage(detail: string): string {
  return page('Status link not available', `<h1>This link no longer works</h1>\n<p>${escape(detail)}</p>`, false);
}

/** The page after a form post that did not go through (the party left meanwhile, a confirmation missing): why, and the way back. */
export function statusActionFailedPage(detail: string, pageHref: string | null): string {
  const back = pageHref === null ? '' : `\n<p><a href="${escape(pageHref)}">Back to your place in line</a></p>`;
  return page('That did not go through', `<h1>That did not go through</h1>\n<p>${escape(detail)}</p>${back}`, false);
}
