// etcd queries, shared by the Status pane's source and the headless `talos-tui etcd ...` commands:
// one node's member list, status and alarms asked at once, and the sentence for a failure. Returns
// data; the pane and the commands decide what to show.
import { Code, machine, TalosError, type CallOptions, type NodeTarget, type TalosSession } from '../talos/index.js';
import type { EtcdMember, EtcdMemberAlarm, EtcdMemberStatus } from '../talos/api/machine.js';
import type { EtcdNodeResult } from '../core/etcd/health.js';

// Talos answers etcd calls on a node that is not a control plane with Unimplemented ("... is only
// available on control plane nodes"); the generic sentence for Unimplemented blames an old Talos,
// which sends the operator the wrong way.

export function isNotControlPlane(err: unknown): boolean {
  return err instanceof TalosError && err.code === Code.UNIMPLEMENTED;
}

/** The sentence for an etcd call's failure on `node`. */
export function etcdErrorText(node: string, err: unknown): string {
  if (isNotControlPlane(err)) return `${node} runs no etcd: it is not a control-plane node`;
  return err instanceof Error ? err.message : String(err);
}

export interface EtcdParts {
  members?: boolean;
  status?: boolean;
  alarms?: boolean;
}

/** One node's answers: a part is undefined when it was not asked or its call failed (see `failures`). */
export interface EtcdAnswers {
  members?: EtcdMember[];
  status?: EtcdMemberStatus;
  alarms?: EtcdMemberAlarm[];
  /** Why each failed part failed, in the order members, status, alarms. */
  failures: unknown[];
}

/** Ask one node for the parts wanted, all at once; never rejects (failures are in the answer). */
export async function askEtcd(t: NodeTarget, parts: EtcdParts, opts?: CallOptions): Promise<EtcdAnswers> {
  const ask = <T>(wanted: boolean | undefined, call: () => Promise<T>) => (wanted ? call() : Promise.resolve(undefined));
  const settled = await Promise.allSettled([
    ask(parts.members, () => machine.etcdMemberList(t, opts)),
    ask(parts.status, () => machine.etcdStatus(t, opts)),
    ask(parts.alarms, () => machine.etcdAlarmList(t, opts)),
  ]);
  const [members, status, alarms] = settled;
  const value = <T>(r: PromiseSettledResult<T | undefined>) => (r.status === 'fulfilled' ? r.value : undefined);
  return {
    members: value(members),
    status: value(status),
    alarms: value(alarms),
    failures: settled.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason),
  };
}

/** Ask each node for the parts wanted; a node's result carries what it answered and its first error. */
export async function queryEtcd(session: TalosSession, nodes: string[], parts: EtcdParts): Promise<EtcdNodeResult[]> {
  const results = await session.forNodes(nodes, async (t, node) => {
    const a = await askEtcd(t, parts);
    return { members: a.members, status: a.status, alarms: a.alarms, error: a.failures.length > 0 ? etcdErrorText(node, a.failures[0]) : undefined };
  });
  return results.map((r) => (r.ok ? { node: r.node, ...r.value } : { node: r.node, error: etcdErrorText(r.node, r.error) }));
}
