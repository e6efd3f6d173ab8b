// The Provision pane's source, outside React: loads a cluster profile, builds the plan (scan +
// identification reads only), runs it with the shared executor (src/ops/provision-run.ts), and
// keeps one row per expected node with its latest stage. Published through a ThrottledStore.
import { ThrottledStore } from '../../core/throttled-store.js';
import type { Plan } from '../../core/provision/plan.js';
import { parseTalosconfig, type ResolvedContext } from '../../talos/index.js';
import { loadProfile, readBaseConfigs, renderProfile } from '../../ops/provision-inputs.js';
import { gatherFacts, planFrom } from '../../ops/provision-plan.js';
import { runProvision, type ProvisionEvent, type RowStage } from '../../ops/provision-run.js';
import { finishCluster, kubeconfigDestination } from '../../ops/provision-finish.js';
import { clusterSession } from '../../ops/provision-plan.js';
import { applyConfig, type ApplyMode } from '../../ops/apply-run.js';
import { checkRecoverySnapshot, describeRecovery, paneWording, RecoverySnapshotError, type RecoverySnapshot } from '../../ops/etcd-recover.js';

export type Phase = 'idle' | 'planning' | 'planned' | 'running' | 'done';

export interface RowView {
  name: string;
  role: string;
  state: string;
  at: string;
  target: string;
  stage: RowStage | 'planned';
  detail: string;
  /** What the node runs against what the profile regenerates (configured nodes), when it differs. */
  diff?: string;
  /** The MACs the profile expects, and the certificate fingerprint pinned at the scan ('' when none). */
  macs: string;
  pin: string;
}

export interface ProvisionSnapshot {
  profile: string | null;
  phase: Phase;
  plan: Plan | null;
  rows: readonly RowView[];
  /** Bootstrap, health and finishing lines, newest last. */
  log: readonly string[];
  error: string | null;
  healthy: boolean | null;
  /** The etcd snapshot the bootstrap recovers from (describeRecovery), or null: a fresh bootstrap. */
  recovery: string | null;
  /** The recovery skips the sha256 check (--recover-skip-hash-check). */
  recoverySkipsHash: boolean;
}

const MAX_LOG = 200;

export class ProvisionSource {
  private state: ProvisionSnapshot = { profile: null, phase: 'idle', plan: null, rows: [], log: [], error: null, healthy: null, recovery: null, recoverySkipsHash: false };
  private recovery: RecoverySnapshot | null = null;
  /** The snapshot file last given, kept when its check failed so the hash check can be toggled on it. */
  private recoveryPath = '';
  private configs = new Map<string, string>();
  private talosconfig: ResolvedContext | null = null;
  private stop: AbortController | null = null;
  readonly store = new ThrottledStore(() => ({ ...this.state }), { maxPerSecond: 10 });

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  private set(next: Partial<ProvisionSnapshot>): void {
    this.state = { ...this.state, ...next };
    this.store.notify();
  }

  /** Read the profile and build the plan; nothing is sent but the scan's reads. */
  async plan(profile: string, targets: readonly string[] = []): Promise<void> {
    this.set({ profile, phase: 'planning', plan: null, rows: [], log: [], error: null, healthy: null });
    try {
      // Refused before the scan: the run would end unable to save the kubeconfig.
      try {
        kubeconfigDestination(this.env);
      } catch (err) {
        throw new Error(`${(err as Error).message} in $KUBECONFIG before starting the console (or provision headless with --kubeconfig FILE)`);
      }
      const loaded = loadProfile(profile);
      const base = readBaseConfigs(loaded);
      this.talosconfig = parseTalosconfig(base.talosconfig, `${base.origin}/talosconfig`);
      const rendered = renderProfile(loaded, base);
      this.configs = new Map([...rendered].filter(([, r]) => r.config).map(([k, r]) => [k, r.config!]));
      const scan = targets.length > 0 ? targets : loaded.profile.scan;
      if (scan.length === 0) throw new Error(`${profile} has no "scan:" targets`);
      const facts = await gatherFacts({ loaded, rendered, talosconfig: this.talosconfig, targets: scan, timeoutMs: 500 });
      const plan = planFrom(loaded, rendered, facts, {});
      const rows = plan.rows.map((r) => ({ name: r.name, role: r.role, state: r.state, at: r.at ?? '-', target: r.target ?? '-', stage: 'planned' as const, detail: r.note, macs: r.macs.join(', '), pin: r.fingerprint ?? '' }));
      this.set({ phase: 'planned', plan, rows, log: [...loaded.warnings, ...plan.warnings].map((w) => `warning: ${w}`) });
    } catch (err) {
      this.set({ phase: 'idle', error: err instanceof Error ? err.message : String(err) });
    }
  }

  /**
   * Recover etcd from this snapshot instead of a fresh bootstrap ('' drops it). The file is checked
   * now (readable, its sha256 trailer unless skipHash), so a bad one is refused before the run.
   */
  async setRecovery(file: string, skipHash: boolean): Promise<void> {
    this.recoveryPath = file;
    if (file === '') {
      this.recovery = null;
      this.set({ recovery: null, recoverySkipsHash: false, error: null });
      return;
    }
    try {
      this.recovery = await checkRecoverySnapshot(file, skipHash);
      this.set({ recovery: describeRecovery(this.recovery), recoverySkipsHash: skipHash, error: null });
    } catch (err) {
      this.recovery = null;
      const message = err instanceof RecoverySnapshotError ? paneWording(err) : err instanceof Error ? err.message : String(err);
      this.set({ recovery: null, recoverySkipsHash: skipHash, error: message });
    }
  }

  /** The snapshot file currently chosen, for the pane's prompt. */
  recoveryFile(): string {
    return this.recoveryPath;
  }

  /** Run the plan (the pane has confirmed it). */
  async run(): Promise<void> {
    const plan = this.state.plan;
    if (!plan || plan.errors.length > 0 || !this.talosconfig || this.state.phase !== 'planned') return;
    const talosconfig = this.talosconfig;
    this.stop = new AbortController();
    this.set({ phase: 'running' });
    const result = await runProvision({
      plan,
      configs: this.configs,
      talosconfig,
      concurrency: 8,
      signal: this.stop.signal,
      recover: this.recovery ?? undefined,
      finish: (session, cp) => finishCluster({ session, controlPlane: cp, plan, talosconfig, env: this.env, force: false }),
      onEvent: (e) => this.onEvent(e),
    }).catch((err: unknown) => {
      this.set({ error: err instanceof Error ? err.message : String(err) });
      return { healthy: false };
    });
    this.stop = null;
    this.set({ phase: 'done', healthy: result.healthy });
  }

  private onEvent(e: ProvisionEvent): void {
    if (e.kind === 'row') {
      this.set({ rows: this.state.rows.map((r) => (r.name === e.name ? { ...r, stage: e.stage, detail: e.detail, ...(e.diff ? { diff: e.diff } : {}) } : r)) });
      return;
    }
    const line = e.kind === 'bootstrap' ? `bootstrap ${e.name}: ${e.state}: ${e.detail}` : e.kind === 'health' ? `health: ${e.message}` : e.kind === 'step' ? e.message : e.detail;
    this.set({ log: [...this.state.log, line].slice(-MAX_LOG) });
  }

  /** Apply the regenerated config to drifted nodes over mTLS, with the mode the admin picked. */
  async applyDrift(names: readonly string[], mode: ApplyMode): Promise<void> {
    const plan = this.state.plan;
    if (!plan || !this.talosconfig) return;
    const rows = plan.rows.filter((r) => names.includes(r.name) && r.target);
    const session = clusterSession(this.talosconfig, plan.rows.filter((r) => r.role === 'controlplane' && r.target).map((r) => r.target!), rows.map((r) => r.target!));
    const update = (name: string, stage: RowStage, detail: string) =>
      this.set({ rows: this.state.rows.map((r) => (r.name === name ? { ...r, stage, detail } : r)) });
    try {
      for (const r of rows) {
        const config = this.configs.get(r.name);
        if (!config) continue;
        update(r.name, 'sending', `applying the regenerated config (mode ${mode})`);
        try {
          const out = await applyConfig({ insecure: () => { throw new Error('not in maintenance'); }, session: () => session }, { node: r.target!, config, mode });
          update(r.name, 'drift-applied', out.modeDetails.trim() || `applied (mode ${out.mode})`);
        } catch (err) {
          update(r.name, 'failed', err instanceof Error ? err.message : String(err));
        }
      }
    } finally {
      session.close();
    }
  }

  /** The config the plan sends to (or regenerates for) a node, or null when it did not render. */
  configOf(name: string): string | null {
    return this.configs.get(name) ?? null;
  }

  cancel(): void {
    this.stop?.abort();
  }

  dispose(): void {
    this.cancel();
    this.store.dispose();
  }
}
