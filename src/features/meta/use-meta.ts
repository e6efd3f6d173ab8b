// The META pane's bridge to its controller: one MetaController for the pane's life (its file watch
// stopped on unmount), told the session and the selected node, read through useSyncExternalStore.
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { TalosSession } from '../../talos/index.js';
import type { PaneParams } from '../../ui/pane-types.js';
import { MetaController } from './controller.js';
import type { MetaState } from './state.js';

export function useMeta(
  session: TalosSession | null,
  sessionProblem: string | null,
  selectedNodes: readonly string[],
  params: PaneParams['meta'] | undefined,
  given?: MetaController,
): { controller: MetaController; state: MetaState } {
  // The navigation that mounted the pane says what to open; the controller is made once.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- made once per pane (see above)
  const controller = useMemo(() => given ?? new MetaController({ file: params?.file, node: params?.node, insecure: params?.insecure, pollMs: params?.pollMs, selected: selectedNodes[0] ?? null }), []);
  useEffect(() => () => controller.dispose(), [controller]);
  useEffect(() => controller.setSession(session, sessionProblem), [controller, session, sessionProblem]);
  const selected = selectedNodes[0] ?? null;
  useEffect(() => controller.setSelectedNode(selected), [controller, selected]);
  const state = useSyncExternalStore(controller.store.subscribe, controller.store.getSnapshot);
  return { controller, state };
}
