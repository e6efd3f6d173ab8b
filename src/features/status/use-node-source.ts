// The Status pane's bridge to a per-node polling source (the services/etcd StatusSource and the node
// summary's NodeInfoSource): one source per session (made on mount, disposed, with every call aborted,
// on unmount), fed the nodes to watch and the ones on screen, slower while hidden, read through
// useSyncExternalStore.
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { TalosSession } from '../../talos/index.js';

export interface NodePollingSource<S> {
  setNodes(nodes: readonly string[]): void;
  /** The nodes on screen: polled at full rate, the others less often. */
  setFocus(nodes: readonly string[]): void;
  setActive(active: boolean): void;
  dispose(): void;
  readonly store: { subscribe(listener: () => void): () => void; getSnapshot(): S };
}

const noSubscribe = () => () => {};
const nothing = () => null;

export function useNodeSource<S, T extends NodePollingSource<S>>(
  session: TalosSession | null,
  make: (session: TalosSession) => T,
  nodes: readonly string[],
  active: boolean,
): { source: T | null; snapshot: S | null } {
  // `make` is read once per session: a new source per render would refetch everything.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- make is read once (see above)
  const source = useMemo(() => (session ? make(session) : null), [session]);
  useEffect(() => () => source?.dispose(), [source]);
  const key = nodes.join(',');
  useEffect(() => {
    source?.setNodes(key === '' ? [] : key.split(','));
  }, [source, key]);
  useEffect(() => {
    source?.setActive(active);
  }, [source, active]);
  const snapshot = useSyncExternalStore(source?.store.subscribe ?? noSubscribe, source?.store.getSnapshot ?? nothing);
  return { source, snapshot };
}

/** Tells the source which nodes are on screen (known only once its snapshot is rendered). */
export function useFocus(source: Pick<NodePollingSource<unknown>, 'setFocus'> | null, focus: readonly string[]): void {
  const key = focus.join(',');
  useEffect(() => {
    source?.setFocus(key === '' ? [] : key.split(','));
  }, [source, key]);
}
