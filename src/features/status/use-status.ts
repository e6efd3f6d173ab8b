// The Status pane's bridge to its source: one StatusSource per session (made on mount, disposed,
// with every call aborted, on unmount), fed the nodes to watch, read through useSyncExternalStore.
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { TalosSession } from '../../talos/index.js';
import { StatusSource, type StatusSnapshot, type StatusSourceOptions } from './source.js';

const noSubscribe = () => () => {};
const nothing = () => null;

export function useStatus(
  session: TalosSession | null,
  nodes: readonly string[],
  active: boolean,
  options?: StatusSourceOptions,
): { source: StatusSource | null; snapshot: StatusSnapshot | null } {
  // Options are read once: a new source per render would refetch everything.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- options are read once (see above)
  const source = useMemo(() => (session ? new StatusSource(session, options) : null), [session]);
  useEffect(() => () => source?.dispose(), [source]);

  const wanted = nodes.length > 0 ? nodes : (session?.info.nodes ?? []);
  const key = wanted.join(',');
  useEffect(() => {
    source?.setNodes(key === '' ? [] : key.split(','));
  }, [source, key]);

  useEffect(() => {
    source?.setActive(active);
  }, [source, active]);

  const snapshot = useSyncExternalStore(source?.store.subscribe ?? noSubscribe, source?.store.getSnapshot ?? nothing);
  return { source, snapshot };
}
