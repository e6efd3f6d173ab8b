// The Status pane's services/etcd source (StatusSource): the selected nodes, else the context's.
import type { TalosSession } from '../../talos/index.js';
import { StatusSource, type StatusSnapshot, type StatusSourceOptions } from './source.js';
import { useNodeSource } from './use-node-source.js';

export function useStatus(
  session: TalosSession | null,
  nodes: readonly string[],
  active: boolean,
  options?: StatusSourceOptions,
): { source: StatusSource | null; snapshot: StatusSnapshot | null } {
  const wanted = nodes.length > 0 ? nodes : (session?.info.nodes ?? []);
  return useNodeSource<StatusSnapshot, StatusSource>(session, (s) => new StatusSource(s, options), wanted, active);
}
