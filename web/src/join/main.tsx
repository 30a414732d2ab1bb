import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { loadRuntimeConfig } from '../api/load-config.js';
import { createJoinApi, joinCodeFromPath } from './join-api.js';
import { JoinPage, LinkGone } from './JoinPage.js';
import './join.css';

/**
 * The guest's join page, /j/{code}: its own entry (join.html), so a phone on a weak signal loads
 * React, the phone number rules and this page, and none of the host stand.
 */
async function start(root: HTMLElement): Promise<void> {
  const code = joinCodeFromPath(window.location.pathname);
  if (code === null) {
    createRoot(root).render(<LinkGone />);
    return;
  }
  const api = createJoinApi(await loadRuntimeConfig(), code);
  createRoot(root).render(
    <StrictMode>
      <JoinPage api={api} />
    </StrictMode>,
  );
}

const root = document.getElementById('root');
if (root !== null)
  start(root).catch(() => {
    root.textContent = 'This page could not start. Check your signal and reload it, or ask the host stand to add you.';
  });
