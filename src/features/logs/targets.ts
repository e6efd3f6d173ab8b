// How the Logs pane reaches a node: through the shared session (mutual TLS via the endpoints, `node`
// header), or for a maintenance-mode node over the insecure API (the session's shared maintenance
// client, or one of our own when there is no talosconfig; those we close ourselves).
import { insecureClient, TalosError, Code, type NodeTarget, type TalosClient, type TalosSession } from '../../talos/index.js';

export interface NodeTargets {
  targetFor(node: string, insecure: boolean): NodeTarget;
  close(): void;
}

export function nodeTargets(session: TalosSession | null): NodeTargets {
  const own = new Map<string, TalosClient>();
  return {
    targetFor(node, insecure) {
      if (insecure) return session ? session.insecure(node) : insecureClient(node, {}, own);
      if (!session) {
        throw new TalosError({
          code: Code.FAILED_PRECONDITION,
          message: `no talosconfig: logs of ${node} need one (pass --talosconfig, or open a maintenance node from Discovery)`,
        });
      }
      return session.target(node);
    },
    close() {
      for (const c of own.values()) c.close();
      own.clear();
    },
  };
}
