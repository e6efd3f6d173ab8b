// The bootstrap guard, shared by `talos-tui bootstrap` and the Apply pane: the node must be a control
// plane, and no control-plane node the session can reach may already list etcd members (bootstrapping
// twice would split etcd). Nodes that cannot be asked are reported and do not block.
import { formatMemberId } from '../core/etcd/health.js';
import { cosi, hostOf, machine, type TalosSession } from '../talos/index.js';

export interface BootstrapCheck {
  node: string;
  type?: cosi.MachineType;
  /** Members this node lists (hostname or id), when it could tell. */
  members?: string[];
  /** Why this node could not be checked. */
  unreachable?: string;
}

/**
 * Ask the target and every other node the context knows (endpoints are usually control planes,
 * plus the context nodes) for its MachineType and, if a control plane, its etcd member list.
 */
export async function checkBootstrap(session: TalosSession, target: string): Promise<BootstrapCheck[]> {
  const candidates = [...new Set([target, ...session.context.endpoints.map(hostOf), ...session.context.nodes])];
  const results = await session.forNodes(candidates, async (t, node): Promise<BootstrapCheck> => {
    const type = await cosi.machineType(t, { deadlineMs: 5000 });
    if (type !== 'controlplane' && type !== 'init') return { node, type };
    try {
      const list = await machine.etcdMemberList(t, { deadlineMs: 5000 });
      return { node, type, members: list.map((m) => m.hostname || formatMemberId(m.id)) };
    } catch (err) {
      // No etcd to ask (not bootstrapped: etcd waits in Preparing): that is the expected case.
      return { node, type, unreachable: `etcd member list: ${err instanceof Error ? err.message : String(err)}` };
    }
  });
  return results.map((r) => (r.ok ? r.value : { node: r.node, unreachable: r.error.message }));
}

/** null when bootstrapping `target` is safe as far as the checks tell, else the sentence refusing it. */
export function bootstrapRefusal(target: string, checks: readonly BootstrapCheck[]): string | null {
  const self = checks.find((c) => c.node === target);
  if (!self || (self.type === undefined && self.unreachable)) return `cannot ask ${target} what it is: ${self?.unreachable ?? 'no answer'}`;
  if (self.type !== 'controlplane' && self.type !== 'init') {
    return `${target} is a ${self.type} node: bootstrap runs on a control-plane node`;
  }
  const withMembers = checks.find((c) => (c.members?.length ?? 0) > 0);
  if (withMembers) {
    return `etcd already has members (${withMembers.node} lists ${withMembers.members!.join(', ')}): the cluster is bootstrapped, and bootstrapping again would split it`;
  }
  return null;
}
