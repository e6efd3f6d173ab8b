// The Status pane's bridge to its node summary source: one NodeInfoSource per session, fed the same
// nodes as the rest of the pane, slower while hidden, disposed (every call aborted) on unmount.
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { TalosSession } from '../../talos/index.js';
import { NodeInfoSource, type NodeInfoOptions, type NodeInfoSnapshot } from './node-info.js';

const noSubscribe = () => () => {};
const nothing = () => null;

export function useNodeInfo(session: TalosSession | null, nodes: readonly string[], active: boolean, options?: NodeInfoOptions): NodeInfoSnapshot | null {
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const source = useMemo(() => (session ? new NodeInfoSource(session, options) : null), [session]);
  useEffect(() => () => source?.dispose(), [source]);
  const key = nodes.join(',');
  useEffect(() => {
    source?.setNodes(key === '' ? [] : key.split(','));
  }, [source, key]);
  useEffect(() => {
    source?.setActive(active);
  }, [source, active]);
  return useSyncExternalStore(source?.store.subscribe ?? noSubscribe, source?.store.getSnapshot ?? nothing);
}
