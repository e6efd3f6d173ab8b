// The Logs pane's hooks: one LogsController per session (streams stop when the pane unmounts or the
// session is replaced), its throttled snapshot through useSyncExternalStore, and refusals in the status bar.
import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import type { TalosSession } from '../../talos/index.js';
import type { ShellApi } from '../../ui/pane-types.js';
import { logBufferBytes } from './buffer-budget.js';
import { LogsController, type LogsSnapshot } from './controller.js';
import type { StreamInfo } from './source.js';
import { streamProblem } from './status-line.js';
import { nodeTargets } from './targets.js';

export function useLogsController(session: TalosSession | null, given?: LogsController): LogsController {
  const owned = useMemo(() => {
    if (given) return null;
    const targets = nodeTargets(session);
    return { controller: new LogsController({ targetFor: targets.targetFor, model: { maxBytes: logBufferBytes() } }), targets };
  }, [session, given]);
  useEffect(
    () => () => {
      // Closing the pane aborts its RPCs.
      owned?.controller.dispose();
      owned?.targets.close();
    },
    [owned],
  );
  return given ?? owned!.controller;
}

const noSubscription = () => () => {};

/**
 * The snapshot React draws: republished at most 14 times a second (controller.ts says why). While the
 * pane is hidden nothing is subscribed (its streams still run): no re-render for a screen nobody sees;
 * on showing again the latest snapshot is read.
 */
export function useLogsSnapshot(controller: LogsController, visible = true): LogsSnapshot {
  return useSyncExternalStore(visible ? controller.store.subscribe : noSubscription, controller.store.getSnapshot);
}

/** A stream the node refuses (maintenance mode, role) is also said in the status bar, once. */
export function useStreamProblemStatus(streams: readonly StreamInfo[], active: boolean, shell: ShellApi): void {
  const reported = useRef('');
  const problem = streamProblem(streams);
  useEffect(() => {
    const key = problem ? `${problem.id}\u0000${problem.detail}` : '';
    if (key !== '' && key !== reported.current && active) shell.setStatus(problem!.detail, 'error');
    reported.current = key;
  }, [problem, active, shell]);
}
