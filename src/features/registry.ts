// The panes of the console, in number-key order. Each pane's code is loaded on first open
// (React.lazy): start-up pays only for the shell, and a heavy pane costs nothing until it is used.
import { lazy } from 'react';
import type { PaneDefinition } from '../ui/pane-types.js';

export const panes: readonly PaneDefinition[] = [
  // Discovery's scan results and inventory do not depend on the session (it only identifies
  // configured nodes over mTLS with it): `:ctx` hands it the new session instead of remounting it.
  { id: 'discovery', number: 1, title: 'Discovery', Component: lazy(() => import('./discovery/index.js')), keepAcrossSessions: true },
  { id: 'apply', number: 2, title: 'Apply', Component: lazy(() => import('./apply/index.js')) },
  { id: 'meta', number: 3, title: 'META', Component: lazy(() => import('./meta/index.js')) },
  { id: 'status', number: 4, title: 'Status', Component: lazy(() => import('./status/index.js')) },
  { id: 'logs', number: 5, title: 'Logs', Component: lazy(() => import('./logs/index.js')) },
  { id: 'provision', number: 6, title: 'Provision', Component: lazy(() => import('./provision/index.js')) },
];
