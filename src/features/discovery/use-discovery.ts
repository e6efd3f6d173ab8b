// The Discovery pane's hook: one DiscoverySource per mounted pane (the shell remounts panes when the
// session is replaced), its snapshot through useSyncExternalStore, and the scan aborted on unmount.
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { TalosSession } from '../../talos/session.js';
import { DiscoverySource, type DiscoverySnapshot } from './source.js';

export function useDiscoverySource(session: TalosSession | null, given?: DiscoverySource): DiscoverySource {
  const [source] = useState(() => given ?? new DiscoverySource({ session }));
  useEffect(() => () => source.dispose(), [source]);
  return source;
}

export function useDiscoverySnapshot(source: DiscoverySource): DiscoverySnapshot {
  return useSyncExternalStore(source.store.subscribe, source.store.getSnapshot);
}
