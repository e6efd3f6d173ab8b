// The Status pane's bridge to React: its services/etcd source (StatusSource: the selected nodes, else
// the context's) and its cursor controller (one for the pane's life), read through useSyncExternalStore.
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { TalosSession } from '../../talos/index.js';
import { StatusController } from './controller.js';
import { StatusSource, type StatusSnapshot, type StatusSourceOptions } from './source.js';
import type { StatusState } from './state.js';
import { useNodeSource } from './use-node-source.js';

export function useStatus(
  session: TalosSession | null,
  nodes: readonly string[],
  active: boolean,
  options?: StatusSourceOptions,
): { source: StatusSource | null; snapshot: StatusSnapshot | null; controller: StatusController; state: StatusState } {
  const wanted = nodes.length > 0 ? nodes : (session?.info.nodes ?? []);
  const { source, snapshot } = useNodeSource<StatusSnapshot, StatusSource>(session, (s) => new StatusSource(s, options), wanted, active);
  const controller = useMemo(() => new StatusController(), []);
  useEffect(() => () => controller.dispose(), [controller]);
  const state = useSyncExternalStore(controller.store.subscribe, controller.store.getSnapshot);
  return { source, snapshot, controller, state };
}
