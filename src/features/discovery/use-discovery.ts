// The Discovery pane's hook: one DiscoverySource per mounted pane, its snapshot through
// useSyncExternalStore, and the scan aborted on unmount. The pane survives `:ctx` (registry:
// keepAcrossSessions), so the source keeps its rows and inventory and is handed the new session.
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { TalosSession } from '../../talos/session.js';
import { DiscoverySource, type DiscoverySnapshot } from './source.js';

export function useDiscoverySource(session: TalosSession | null, given?: DiscoverySource): DiscoverySource {
  const [source] = useState(() => given ?? new DiscoverySource({ session }));
  useEffect(() => () => source.dispose(), [source]);
  // Only a change is handed over: a source made elsewhere (tests) keeps the session it was made with.
  const seen = useRef(session);
  useEffect(() => {
    if (seen.current === session) return;
    seen.current = session;
    source.setSession(session);
  }, [source, session]);
  return source;
}

export function useDiscoverySnapshot(source: DiscoverySource): DiscoverySnapshot {
  return useSyncExternalStore(source.store.subscribe, source.store.getSnapshot);
}
