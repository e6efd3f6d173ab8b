// The Status pane's node summary source (NodeInfoSource), fed the same nodes as the rest of the pane.
import type { TalosSession } from '../../talos/index.js';
import { NodeInfoSource, type NodeInfoOptions, type NodeInfoSnapshot } from './node-info.js';
import { useFocus, useNodeSource } from './use-node-source.js';

/** `onScreen`: the rows the table can show (asked every interval, the rest less often). */
export function useNodeInfo(session: TalosSession | null, nodes: readonly string[], active: boolean, onScreen: readonly string[], options?: NodeInfoOptions): NodeInfoSnapshot | null {
  const { source, snapshot } = useNodeSource<NodeInfoSnapshot, NodeInfoSource>(session, (s) => new NodeInfoSource(s, options), nodes, active);
  useFocus(source, onScreen);
  return snapshot;
}
