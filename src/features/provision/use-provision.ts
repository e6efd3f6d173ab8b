// The Provision pane's bridge to its source: one ProvisionSource for the pane's life, read through
// useSyncExternalStore.
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { ProvisionSource, type ProvisionSnapshot } from './source.js';

export function useProvision(): { source: ProvisionSource; snapshot: ProvisionSnapshot } {
  const source = useMemo(() => new ProvisionSource(), []);
  useEffect(() => () => source.dispose(), [source]);
  const snapshot = useSyncExternalStore(source.store.subscribe, source.store.getSnapshot);
  return { source, snapshot };
}
