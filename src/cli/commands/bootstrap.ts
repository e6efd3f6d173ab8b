// `talos-tui bootstrap -n IP`: bootstrap etcd on one control-plane node, once per cluster. Before
// sending Bootstrap it checks what it can reach: the node must be a control plane (MachineType),
// and no control-plane node may already list etcd members. Bootstrapping a second time would
// create a second, split etcd cluster, so any sign of an existing one refuses with a sentence
// naming the node that has it. Nodes that cannot be asked are reported and do not block.
// With --recover-from the snapshot is checked here first (src/ops/etcd-recover.ts), then uploaded with
// EtcdRecover, and Bootstrap asks for recover_etcd; the command waits until etcd runs on the node.
import { machine } from '../../talos/index.js';
import { CommandError, connectionOptions, parseCommandLine, UsageError } from '../args.js';
import { requireNodes, sessionFromFlags } from '../connection.js';
import { toJson } from '../output.js';
import type { Command } from './types.js';
import { checkRecoverySnapshot, describeRecovery, recoverEtcd, RecoverySnapshotError, type RecoverySnapshot } from '../../ops/etcd-recover.js';

export { checkBootstrap, bootstrapRefusal, type BootstrapCheck } from '../../ops/bootstrap-guard.js';
import { checkBootstrap, bootstrapRefusal } from '../../ops/bootstrap-guard.js';

const options = { ...connectionOptions, json: { type: 'boolean' }, 'recover-from': { type: 'string' }, 'recover-skip-hash-check': { type: 'boolean' } } as const;

export const command: Command = {
  name: 'bootstrap',
  summary: 'bootstrap etcd on one control-plane node (refuses when etcd already has members)',
  usage:
    'talos-tui bootstrap -n IP [--json] [--recover-from FILE [--recover-skip-hash-check]] [--talosconfig FILE] [--context NAME] [-e IP]\n' +
    '  --json prints {node, bootstrapped, refused?, checks}; a refusal still exits 1.\n' +
    '  --recover-from FILE: recover etcd from a snapshot (talos-tui/talosctl etcd snapshot): the file is\n' +
    '    checked here (its sha256 trailer), uploaded with EtcdRecover, then Bootstrap restores it.\n' +
    '  --recover-skip-hash-check: for a copy of the data directory\'s db, which has no sha256 trailer.',
  async run(argv, io) {
    const { values, positionals } = parseCommandLine('bootstrap', argv, options);
    if (positionals.length > 0) throw new UsageError(`bootstrap: unexpected argument "${positionals[0]}"`);
    const nodes = requireNodes('bootstrap', values);
    if (nodes.length !== 1) throw new UsageError(`bootstrap: name exactly one node, not ${nodes.length} (-n ${nodes.join(',')})`);
    const target = nodes[0]!;
    if (values['recover-skip-hash-check'] && !values['recover-from']) throw new UsageError('bootstrap: --recover-skip-hash-check goes with --recover-from FILE');
    let recovery: RecoverySnapshot | undefined;
    if (values['recover-from'] !== undefined) {
      try {
        recovery = await checkRecoverySnapshot(values['recover-from'], values['recover-skip-hash-check'] ?? false);
      } catch (err) {
        if (err instanceof RecoverySnapshotError) throw new UsageError(`bootstrap: ${err.message}; nothing was sent`);
        throw err;
      }
    }
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
      if (recovery) {
        if (checks.find((c) => c.node === target)?.type === 'init') throw new CommandError(`bootstrap: refused: ${target} is an init node, which cannot recover etcd: convert it to controlplane first (seed 002 section 6)`);
        if (!json) io.stdout.write(`recovering from snapshot ${JSON.stringify(recovery.file)}: ${describeRecovery(recovery)}\n`);
        try {
          await recoverEtcd(session.target(target), recovery, { onStep: (_step, detail) => !json && io.stderr.write(`${detail}\n`) });
        } catch (err) {
          throw new CommandError(`bootstrap: ${(err as Error).message}`);
        }
        if (json) io.stdout.write(toJson({ node: target, bootstrapped: true, recoveredFrom: recovery.file, checks: checksJson }));
        else io.stdout.write(`etcd recovered on ${target} from the snapshot: the other control-plane nodes join it\n`);
        return 0;
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
