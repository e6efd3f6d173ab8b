// Reaching a node over mTLS when the talosconfig context has no endpoints yet (a fresh cluster before
// bootstrap: `sim --nodes 0` and `talosctl gen config` write such a context): the node itself is the
// endpoint, as the headless commands do with -e. Otherwise the session as it is.
import { TalosSession } from '../talos/index.js';

export interface Reach {
  session: TalosSession;
  /** Closes the session made for this node (never the caller's). */
  close(): void;
  /** Said once when the node itself is the endpoint. */
  note: string | null;
}

export function reachNode(session: TalosSession, node: string): Reach {
  if (session.context.endpoints.length > 0) return { session, close: () => undefined, note: null };
  const endpoint = /:\d+$/.test(node) ? node : `${node}:50000`;
  const direct = new TalosSession({ ...session.context, endpoints: [endpoint] });
  return {
    session: direct,
    close: () => direct.close(),
    note: `context ${session.context.contextName} has no endpoints: talking to ${node} directly`,
  };
}
