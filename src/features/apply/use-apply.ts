// The Apply pane's bridge to its controller: one ApplyController for the pane's life (disposed, with
// its run aborted, on unmount), told the session and each navigation, read through
// useSyncExternalStore. While a reboot is followed it repaints every second (the elapsed time).
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { TalosSession } from '../../talos/index.js';
import type { PaneParams } from '../../ui/pane-types.js';
import { ApplyController } from './controller.js';
import { isFollowing, type ApplyState } from './state.js';

export function useApply(session: TalosSession | null, sessionProblem: string | null, params: PaneParams['apply'] | undefined): { controller: ApplyController; state: ApplyState } {
  const controller = useMemo(() => new ApplyController(), []);
  useEffect(() => () => controller.dispose(), [controller]);
  useEffect(() => controller.setSession(session, sessionProblem), [controller, session, sessionProblem]);
  useEffect(() => {
    if (params?.node) controller.navigate(params);
  }, [controller, params]);
  const state = useSyncExternalStore(controller.store.subscribe, controller.store.getSnapshot);
  const following = isFollowing(state);
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!following) return;
    const t = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, [following]);
  return { controller, state };
}
