// The Logs pane's hooks: one LogsController per session (streams stop when the pane unmounts or the
// session is replaced), and its throttled snapshot through useSyncExternalStore.
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { TalosSession } from '../../talos/index.js';
import { LogsController, type LogsSnapshot } from './controller.js';
import { nodeTargets } from './targets.js';

export function useLogsController(session: TalosSession | null, given?: LogsController): LogsController {
  const owned = useMemo(() => {
    if (given) return null;
    const targets = nodeTargets(session);
    return { controller: new LogsController({ targetFor: targets.targetFor }), targets };
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

/** The snapshot React draws: republished at most 14 times a second (controller.ts says why). */
export function useLogsSnapshot(controller: LogsController): LogsSnapshot {
  return useSyncExternalStore(controller.store.subscribe, controller.store.getSnapshot);
}
