// The Provision pane's key-action table (one table: it feeds the shell's key dispatch, the hint bar
// and the ? help). Dangerous ones (provision, apply drift) ask for the cluster's or node's name in
// the pane before anything is sent.
import type { ApplyMode } from '../../ops/apply-run.js';
import type { Action } from '../../ui/pane-types.js';
import type { ProvisionSnapshot, ProvisionSource, RowView } from './source.js';

export interface ProvisionActionContext {
  source: ProvisionSource;
  snapshot: ProvisionSnapshot;
  /** The selected node's row, if any. */
  row: RowView | undefined;
  mode: ApplyMode;
  detail: boolean;
  confirmRun(): void;
  confirmDrift(names: string[], expect: string): void;
  openProfile(): void;
  /** Opens the field for the etcd snapshot to recover from. */
  openRecovery(): void;
  cycleMode(): void;
  toggleDetail(): void;
  pick(step: number): void;
}

export function provisionActions(ctx: ProvisionActionContext): Action[] {
  const { source, snapshot: s, row } = ctx;
  const plan = s.plan;
  const runnable = s.phase === 'planned' && plan !== null && plan.errors.length === 0;
  const drifted = s.rows.filter((r) => r.stage === 'drift').map((r) => r.name);
  return [
    {
      key: 'p',
      label: 'provision',
      dangerous: true,
      help: 'run the plan: apply every config, follow the reboots, bootstrap once, health, kubeconfig (type the cluster name)',
      when: () => runnable,
      run: () => ctx.confirmRun(),
    },
    { key: 'o', label: 'profile', help: 'open a cluster profile or talconfig.yaml and build the plan (scan + reads only)', when: () => s.phase !== 'running' && s.phase !== 'planning', run: () => ctx.openProfile() },
    {
      key: 'e',
      label: s.recovery ? 'recovering' : 'recover etcd',
      help: 'bootstrap by recovering etcd from a snapshot (talos-tui etcd snapshot): give its path, empty for a fresh bootstrap',
      when: () => s.phase !== 'running',
      run: () => ctx.openRecovery(),
    },
    {
      key: 'E',
      label: s.recoverySkipsHash ? 'hash check off' : 'hash check on',
      hidden: true,
      help: 'toggle the snapshot hash check (off: --recover-skip-hash-check, for a copy of the data directory)',
      when: () => s.phase !== 'running' && source.recoveryFile() !== '',
      run: () => void source.setRecovery(source.recoveryFile(), !s.recoverySkipsHash),
    },
    { key: 'r', label: 'rescan', help: 'scan again and rebuild the plan (configured nodes are recognised)', when: () => s.profile !== null && (s.phase === 'planned' || s.phase === 'done' || s.phase === 'idle'), run: () => void source.plan(s.profile!) },
    {
      key: 'a',
      label: 'apply drift',
      dangerous: true,
      help: 'apply the regenerated config to the selected node that drifted (mode from m; type its name)',
      when: () => s.phase !== 'running' && row?.stage === 'drift',
      run: () => ctx.confirmDrift([row!.name], row!.name),
    },
    {
      key: 'A',
      label: 'apply all drift',
      hidden: true,
      dangerous: true,
      help: 'apply the regenerated config to every node that drifted (mode from m; type the cluster name)',
      when: () => s.phase !== 'running' && drifted.length > 0,
      run: () => ctx.confirmDrift(drifted, plan!.clusterName),
    },
    { key: 'm', label: `mode ${ctx.mode}`, hidden: true, help: 'cycle the mode drift is applied with: auto, no-reboot, staged', run: () => ctx.cycleMode() },
    { key: 'enter', label: ctx.detail ? 'plan' : 'node', help: "show the selected node: its drift (Talos's diff) and the config the profile renders for it; again: the plan", when: () => s.rows.length > 0, run: () => ctx.toggleDetail() },
    { key: 'escape', label: 'plan', hidden: true, help: 'from a node back to the plan', when: () => ctx.detail && s.phase !== 'running', run: () => ctx.toggleDetail() },
    { key: 'tab', label: 'next', hidden: true, help: 'select the next node', when: () => s.rows.length > 0, run: () => ctx.pick(1) },
    { key: 'shift+tab', label: 'previous', hidden: true, help: 'select the previous node', when: () => s.rows.length > 0, run: () => ctx.pick(-1) },
    { key: 'escape', label: 'stop', help: 'stop the run (nodes already applied carry on; a rerun resumes)', when: () => s.phase === 'running', run: () => source.cancel() },
  ];
}
