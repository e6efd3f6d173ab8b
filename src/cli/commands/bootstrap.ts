// `talos-tui bootstrap -n IP`: bootstrap etcd on one control-plane node, once per cluster. Before
// sending Bootstrap it checks what it can reach: the node must be a control plane (MachineType),
// and no control-plane node may already list etcd members. Bootstrapping a second time would
// create a second, split etcd cluster, so any sign of an existing one refuses with a sentence
// naming the node that has it. Nodes that cannot be asked are reported and do not block.
import { formatMemberId } from '../../core/etcd/health.js';
import { cosi, hostOf, machine, type TalosSession } from '../../talos/index.js';
import { CommandError, connectionOptions, parseCommandLine, UsageError } from '../args.js';
import { requireNodes, sessionFromFlags } from '../connection.js';
import { toJson } from '../output.js';
import type { Command } from './types.js';

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

const options = { ...connectionOptions, json: { type: 'boolean' } } as const;

export const command: Command = {
  name: 'bootstrap',
  summary: 'bootstrap etcd on one control-plane node (refuses when etcd already has members)',
  usage: 'talos-tui bootstrap -n IP [--json] [--talosconfig FILE] [--context NAME] [-e IP]\n  --json prints {node, bootstrapped, refused?, checks}; a refusal still exits 1.',
  async run(argv, io) {
    const { values, positionals } = parseCommandLine('bootstrap', argv, options);
    if (positionals.length > 0) throw new UsageError(`bootstrap: unexpected argument "${positionals[0]}"`);
    const nodes = requireNodes('bootstrap', values);
    if (nodes.length !== 1) throw new UsageError(`bootstrap: name exactly one node, not ${nodes.length} (-n ${nodes.join(',')})`);
    const target = nodes[0]!;
    const session = sessionFromFlags(values, io.env);
    try {
      const checks = await checkBootstrap(session, target);
      for (const c of checks) if (c.unreachable && c.node !== target && c.type === undefined) io.stderr.write(`talos-tui bootstrap: could not check ${c.node}: ${c.unreachable}\n`);
      const refusal = bootstrapRefusal(target, checks);
      const json = values.json ?? false;
      const checksJson = checks.map((c) => ({ node: c.node, type: c.type ?? null, members: c.members ?? null, ...(c.unreachable ? { unreachable: c.unreachable } : {}) }));
      if (refusal) {
        if (json) io.stdout.write(toJson({ node: target, bootstrapped: false, refused: refusal, checks: checksJson }));
        throw new CommandError(`bootstrap: refused: ${refusal}`);
      }
      await machine.bootstrap(session.target(target));
      if (json) io.stdout.write(toJson({ node: target, bootstrapped: true, checks: checksJson }));
      else io.stdout.write(`bootstrap sent to ${target}: etcd starts there and the other control-plane nodes join it\n`);
      return 0;
    } finally {
      session.close();
    }
  },
};
