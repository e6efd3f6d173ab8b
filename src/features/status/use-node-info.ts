// The Status pane's node summary source (NodeInfoSource), fed the same nodes as the rest of the pane.
import type { TalosSession } from '../../talos/index.js';
import { NodeInfoSource, type NodeInfoOptions, type NodeInfoSnapshot } from './node-info.js';
import { useNodeSource } from './use-node-source.js';

export function useNodeInfo(session: TalosSession | null, nodes: readonly string[], active: boolean, options?: NodeInfoOptions): NodeInfoSnapshot | null {
  return useNodeSource<NodeInfoSnapshot, NodeInfoSource>(session, (s) => new NodeInfoSource(s, options), nodes, active).snapshot;
}
