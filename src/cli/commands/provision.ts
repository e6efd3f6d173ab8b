// `talos-tui provision PROFILE [TARGET...]`: the bootstrap runbook as one command. Reads the cluster
// profile (README "Cluster profile"), scans its `scan` targets (or the TARGETs given), prints the
// plan, and after one confirmation (type the cluster name; --yes skips it) applies every config,
// follows every node to mTLS, bootstraps etcd once, waits for health, and merges the kubeconfig and
// the talosconfig context. One line per node state change. Running it again resumes: configured
// nodes are recognised and skipped, and their drift is reported (applied with --drift-mode).
//
// Exit: 0 only when the cluster is healthy (--dry-run: when the plan is valid); 1 the plan cannot
// run or a step failed; 2 usage or an unusable profile.
import { createInterface } from 'node:readline/promises';
import { parseTalosconfig, TalosconfigError } from '../../talos/index.js';
import { isApplyMode, type ApplyMode } from '../../ops/apply-run.js';
import { loadProfile, ProfileError, readBaseConfigs, renderProfile } from '../../ops/provision-inputs.js';
import { gatherFacts, planFrom } from '../../ops/provision-plan.js';
import { runProvision, type ProvisionEvent } from '../../ops/provision-run.js';
import { finishCluster, kubeconfigDestination } from '../../ops/provision-finish.js';
import { checkRecoverySnapshot, describeRecovery, RecoverySnapshotError } from '../../ops/etcd-recover.js';
import type { Plan } from '../../core/provision/plan.js';
import { CommandError, intFlag, parseCommandLine, UsageError } from '../args.js';
import { formatTable } from '../output.js';
import type { Command, CommandIO } from './types.js';

const options = {
  'dry-run': { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  json: { type: 'boolean' },
  concurrency: { type: 'string' },
  'only-found': { type: 'boolean' },
  'allow-unpinned': { type: 'boolean' },
  'drift-mode': { type: 'string' },
  'drift-nodes': { type: 'string' },
  'reboot-timeout': { type: 'string' },
  'scan-timeout': { type: 'string' },
  'recover-from': { type: 'string' },
  'recover-skip-hash-check': { type: 'boolean' },
  force: { type: 'boolean' },
  kubeconfig: { type: 'string' },
  talosconfig: { type: 'string' },
} as const;

const usage = `talos-tui provision PROFILE [TARGET...] [--dry-run] [--yes] [--json] [--concurrency N]
                    [--only-found] [--allow-unpinned] [--drift-mode auto|no-reboot|staged [--drift-nodes N,..]]
                    [--reboot-timeout SECONDS] [--recover-from FILE [--recover-skip-hash-check]]
                    [--force] [--kubeconfig FILE] [--talosconfig FILE]

  PROFILE            a cluster profile or a talhelper talconfig.yaml (README: "the cluster profile")
  TARGET             where to look for maintenance nodes (default: the profile's scan:)
  --dry-run          render and validate everything; send nothing but the scan and identification reads
  -y, --yes          run without asking (otherwise: type the cluster name on a terminal)
  --json             the plan, then one JSON object per line for every event
  --concurrency N    applies in flight at once (default 8)
  --only-found       run for the nodes found even when expected machines are missing
  --allow-unpinned   allow applying to a node whose certificate fingerprint the scan did not see
  --drift-mode MODE  apply the regenerated config to configured nodes that drifted (default: report)
  --drift-nodes N,.. with --drift-mode: only to these nodes (profile names); the others are reported
  --reboot-timeout S how long a node may take to answer over mTLS after its apply (default 600)
  --recover-from F   bootstrap by recovering etcd from this snapshot (seed 002 §6): checked here (its
                     sha256 trailer) before anything is sent, uploaded with EtcdRecover, then restored
  --recover-skip-hash-check   for a copy of the etcd data directory's db (it has no sha256 trailer)
  --force            replace an existing kubeconfig context of the same name
  --kubeconfig F     where the kubeconfig is merged (default: $KUBECONFIG when it names one file, else
                     ~/.kube/config; a $KUBECONFIG of several files is refused, as talosctl does)
  --talosconfig F    where the talosconfig context is merged (default $TALOSCONFIG, else ~/.talos/config)

  Exit: 0 the cluster is healthy (dry run: the plan is valid), 1 the plan cannot run or a step
  failed (run again to resume), 2 usage or profile error.`;

/** The plan as the issue lists its columns; PIN is the start of the certificate fingerprint seen at the scan (--json has it whole). */
function planTable(plan: Plan): string {
  return formatTable(
    ['NAME', 'ROLE', 'MAC', 'STATE', 'AT', 'PIN', 'TARGET', 'ACTION', 'NOTE'],
    plan.rows.map((r) => [r.name, r.role, r.macs[0] ?? '-', r.state, r.at ?? '-', r.fingerprint ? `${r.fingerprint.slice(0, 8)}…` : '-', r.target ?? '-', r.action, r.note]),
  );
}

function eventLine(e: ProvisionEvent): string {
  switch (e.kind) {
    case 'row':
      return `${e.name}: ${e.stage}: ${e.detail}${e.diff ? `\n${e.diff.replace(/^/gm, '    ')}` : ''}`;
    case 'bootstrap':
      return `bootstrap ${e.name}: ${e.state}: ${e.detail}`;
    case 'health':
      return `health: ${e.message}`;
    case 'step':
      return e.message;
    case 'done':
      return e.healthy ? `done: ${e.detail}` : `not done: ${e.detail}`;
  }
}

async function confirm(io: CommandIO, plan: Plan, unpinned: boolean, recovering: boolean): Promise<boolean> {
  const stdin = process.stdin;
  if (!stdin.isTTY) throw new UsageError('provision: confirmation needs a terminal: pass --yes to run without one');
  const rl = createInterface({ input: stdin, output: io.stderr });
  try {
    const note =
      (unpinned ? ' (some applies are UNPINNED: their certificates are not checked)' : '') + (recovering && plan.bootstrap ? ` (etcd is RECOVERED from the snapshot on ${plan.bootstrap})` : '');
    const answer = await rl.question(`Provision cluster ${plan.clusterName}${note}? Type its name to confirm: `);
    return answer.trim() === plan.clusterName;
  } finally {
    rl.close();
  }
}

export const command: Command = {
  name: 'provision',
  summary: 'provision a whole cluster from a profile: scan, plan, apply, follow, bootstrap, health, kubeconfig',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandLine('provision', argv, options);
    const [profileFile, ...targetArgs] = positionals;
    if (!profileFile) throw new UsageError('provision: name the cluster profile (see talos-tui provision --help)');
    const concurrency = intFlag('concurrency', values.concurrency, 8, 1, 256);
    const rebootTimeoutS = intFlag('reboot-timeout', values['reboot-timeout'], 600, 1, 86_400);
    const scanTimeoutMs = intFlag('scan-timeout', values['scan-timeout'], 1000, 50, 60_000);
    let driftMode: ApplyMode | undefined;
    if (values['drift-mode'] !== undefined) {
      const m = values['drift-mode'];
      if (!isApplyMode(m) || m === 'reboot' || m === 'try') throw new UsageError(`provision: --drift-mode "${m}" is not one of auto, no-reboot, staged`);
      driftMode = m;
    }
    const driftNodes = values['drift-nodes']?.split(',').map((n) => n.trim()).filter(Boolean);
    if (driftNodes && !driftMode) throw new UsageError('provision: --drift-nodes goes with --drift-mode MODE');
    if (values['recover-skip-hash-check'] && !values['recover-from']) throw new UsageError('provision: --recover-skip-hash-check goes with --recover-from FILE');
    try {
      kubeconfigDestination(io.env, values.kubeconfig);
    } catch (err) {
      throw new UsageError(`provision: ${(err as Error).message} with --kubeconfig FILE; nothing was sent`);
    }

    let loaded;
    let base;
    try {
      loaded = loadProfile(profileFile);
      base = readBaseConfigs(loaded);
    } catch (err) {
      if (err instanceof ProfileError) throw new UsageError(`provision: ${err.message}`);
      throw err;
    }
    let recover;
    try {
      recover = values['recover-from'] !== undefined ? await checkRecoverySnapshot(values['recover-from'], values['recover-skip-hash-check'] ?? false) : undefined;
    } catch (err) {
      if (err instanceof RecoverySnapshotError) throw new UsageError(`provision: ${err.message}; nothing was sent`);
      throw err;
    }
    let talosconfig;
    try {
      talosconfig = parseTalosconfig(base.talosconfig, `${base.origin}/talosconfig`);
    } catch (err) {
      if (err instanceof TalosconfigError) throw new UsageError(`provision: ${err.message}`);
      throw err;
    }
    const targets = targetArgs.length > 0 ? targetArgs : [...loaded.profile.scan];
    if (targets.length === 0) throw new UsageError(`provision: ${profileFile} has no "scan:" targets: add them or name TARGETs`);
    const json = values.json ?? false;
    const out = (line: string) => io.stdout.write(`${line}\n`);
    const jsonLine = (value: unknown) => io.stdout.write(`${JSON.stringify(value)}\n`);
    for (const w of loaded.warnings) io.stderr.write(`talos-tui provision: warning: ${w}\n`);
    const unknownDrift = driftNodes?.find((n) => !loaded.profile.nodes.some((e) => e.name === n));
    if (unknownDrift) throw new UsageError(`provision: --drift-nodes: ${profileFile} has no node named "${unknownDrift}"`);

    const rendered = renderProfile(loaded, base);
    const facts = await gatherFacts({ loaded, rendered, talosconfig, targets, timeoutMs: scanTimeoutMs, onProgress: (m) => !json && io.stderr.write(`${m}\n`) });
    const plan = planFrom(loaded, rendered, facts, { onlyFound: values['only-found'], allowUnpinned: values['allow-unpinned'] });
    if (json) jsonLine({ plan, ...(recover ? { recoverFrom: { file: recover.file, bytes: recover.size, sha256: recover.verifiedSha256 ?? null } } : {}) });
    else {
      io.stdout.write(planTable(plan));
      for (const w of plan.warnings) out(`warning: ${w}`);
      if (plan.bootstrap) out(`bootstrap: ${plan.bootstrap}${recover ? ` (recovering etcd from ${describeRecovery(recover)})` : ''}`);
    }
    if (recover && !plan.bootstrap && plan.errors.length === 0) io.stderr.write('talos-tui provision: warning: --recover-from is not used: this run bootstraps no node (etcd already has members)\n');
    if (plan.errors.length > 0) {
      for (const e of plan.errors) io.stderr.write(`talos-tui provision: ${e}\n`);
      throw new CommandError(`provision: the plan cannot run (${plan.errors.length} problem${plan.errors.length === 1 ? '' : 's'} above); nothing was sent`);
    }
    if (values['dry-run']) {
      if (!json) out('dry run: every config renders and the plan is valid; nothing was sent');
      return 0;
    }
    const unpinned = plan.rows.some((r) => r.action === 'apply' && !r.fingerprint);
    if (!values.yes && !(await confirm(io, plan, unpinned, recover !== undefined))) throw new CommandError('provision: not confirmed; nothing was sent');

    const configs = new Map<string, string>();
    for (const [name, r] of rendered) if (r.config) configs.set(name, r.config);
    // Ctrl-C stops cleanly: nodes carry on installing, and a rerun resumes where this one stopped.
    const stop = new AbortController();
    const onSigint = () => stop.abort();
    process.once('SIGINT', onSigint);
    const result = await runProvision({
      signal: stop.signal,
      plan,
      configs,
      talosconfig,
      concurrency,
      rebootTimeoutMs: rebootTimeoutS * 1000,
      driftMode,
      driftNodes,
      recover,
      finish: (session, cp) =>
        finishCluster({ session, controlPlane: cp, plan, talosconfig, env: io.env, force: values.force ?? false, kubeconfigPath: values.kubeconfig, talosconfigPath: values.talosconfig }),
      onEvent: (e) => (json ? jsonLine(e) : out(eventLine(e))),
    }).finally(() => process.removeListener('SIGINT', onSigint));
    if (!result.healthy) throw new CommandError(`provision: the cluster is not healthy yet${result.failed.length ? ` (failed: ${result.failed.join(', ')})` : ''}; run again to resume`);
    return 0;
  },
};
