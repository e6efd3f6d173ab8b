// The provisioning executor: runs a validated plan and reports every step as an event (it never
// prints). Shared by `talos-tui provision` and the Provision pane.
//
// Order (the runbook's): insecure applies, control planes first then workers, at most `concurrency`
// in flight, each pinned to the fingerprint seen at the scan; every row then follows its node
// through install and reboot until it answers over mTLS at its target with the cluster's
// talosconfig (the node itself is the endpoint: a fresh cluster has no other), then until its boot
// finished. When every control plane answers, etcd is bootstrapped once (guarded as `bootstrap` is),
// then HealthCheck streams its progress. Rows already configured get their drift checked (a dry-run
// apply of the regenerated config over mTLS: the node's own diff), and applied when a mode is chosen.
import type { Plan, PlanRow } from '../core/provision/plan.js';
import { cluster, cosi, insecureClient, machine, TalosError, type ResolvedContext, type TalosSession } from '../talos/index.js';
import { applyConfig, type ApplyConnector, type ApplyMode } from './apply-run.js';
import { bootstrapRefusal, checkBootstrap } from './bootstrap-guard.js';
import { recoverEtcd, type RecoverySnapshot } from './etcd-recover.js';
import { followReboot, secs } from './follow-reboot.js';
import { clusterSession } from './provision-plan.js';

export type RowStage =
  | 'waiting'
  | 'sending'
  | 'installing'
  | 'rebooting'
  | 'mtls'
  | 'services-up'
  | 'in-sync'
  | 'drift'
  | 'drift-applied'
  | 'skipped'
  | 'failed';

export type ProvisionEvent =
  | { kind: 'row'; name: string; stage: RowStage; detail: string; diff?: string }
  | { kind: 'bootstrap'; name: string; state: 'sent' | 'skipped' | 'refused' | 'failed'; detail: string }
  | { kind: 'health'; message: string }
  | { kind: 'step'; message: string }
  | { kind: 'done'; healthy: boolean; detail: string };

export interface RunOptions {
  plan: Plan;
  /** Rendered config per node name. */
  configs: ReadonlyMap<string, string>;
  /** The cluster's talosconfig (credentials; endpoints and nodes are set here from the plan). */
  talosconfig: ResolvedContext;
  concurrency: number;
  /** How long a node may take from apply to answering over mTLS (default 10 min). */
  rebootTimeoutMs?: number;
  intervalMs?: number;
  /** HealthCheck's wait (default 20 min). */
  healthTimeoutMs?: number;
  /** Apply drift on configured nodes with this mode; default: only report it. */
  driftMode?: ApplyMode;
  /** With driftMode: apply it only to these nodes (profile names); the others' drift is reported. Default: all. */
  driftNodes?: readonly string[];
  /** Etcd recovery instead of a fresh bootstrap (seed 002 §6): the snapshot checked beforehand (checkRecoverySnapshot). */
  recover?: RecoverySnapshot;
  /** After a healthy run: fetch and merge the kubeconfig, write the talosconfig context. */
  finish?: (session: TalosSession, controlPlane: string) => Promise<string[]>;
  signal?: AbortSignal;
  onEvent(event: ProvisionEvent): void;
}

export interface RunResult {
  healthy: boolean;
  failed: string[];
}

/** A bounded pool: `limit` tasks in flight, started in the order given. */
async function bounded<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(workers);
}

const oneLine = (err: unknown) => (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ');

export async function runProvision(o: RunOptions): Promise<RunResult> {
  const rows = o.plan.rows;
  const active = rows.filter((r) => r.action !== 'none');
  const cps = active.filter((r) => r.role === 'controlplane');
  const targets = (list: readonly PlanRow[]) => list.map((r) => r.target!);
  const session = clusterSession(o.talosconfig, targets(cps), targets(active));
  const failed = new Set<string>();
  const emit = o.onEvent;
  const row = (r: PlanRow, stage: RowStage, detail: string, diff?: string) => {
    if (stage === 'failed') failed.add(r.name);
    emit({ kind: 'row', name: r.name, stage, detail, ...(diff !== undefined ? { diff } : {}) });
  };
  const insecure: { close(): void }[] = [];
  const connect: ApplyConnector = {
    insecure: (address, opts) => {
      const c = insecureClient(address, opts);
      insecure.push(c);
      return c;
    },
    session: () => session,
  };
  try {
    for (const r of rows) if (r.action === 'none') row(r, 'skipped', r.note);

    // ---- applies (bounded), then each node is followed on its own
    const answered = new Map<string, Promise<boolean>>();
    for (const r of active) if (r.action === 'check-drift') answered.set(r.name, Promise.resolve(true));
    const toApply = active.filter((r) => r.action === 'apply');
    for (const r of toApply) row(r, 'waiting', `queued: apply to ${r.at}`);
    const servicesUp: Promise<void>[] = [];
    const followRow = async (r: PlanRow): Promise<boolean> => {
      const nodeSession = clusterSession(o.talosconfig, [r.target!]);
      try {
        const phase = await followReboot({
          from: r.at!,
          to: r.target!,
          answers: async (signal) => (await machine.version(nodeSession.target(r.target!), { deadlineMs: 3000, signal })).version?.tag ?? '',
          timeoutMs: o.rebootTimeoutMs ?? 600_000,
          intervalMs: o.intervalMs ?? 1000,
          signal: o.signal ?? new AbortController().signal,
          onPhase: (p, detail) => {
            if (p === 'going') row(r, 'installing', detail);
            else if (p === 'rebooting') row(r, 'rebooting', detail);
            else if (p === 'up') row(r, 'mtls', detail);
            else if (p === 'timeout') row(r, 'failed', detail);
            else row(r, 'waiting', detail);
          },
        });
        return phase === 'up';
      } finally {
        nodeSession.close();
      }
    };

    const waitBooted = async (r: PlanRow): Promise<void> => {
      const started = Date.now();
      const deadline = started + (o.rebootTimeoutMs ?? 600_000);
      let last = '';
      while (!o.signal?.aborted && Date.now() < deadline) {
        try {
          const s = await cosi.machineStatus(session.target(r.target!), { deadlineMs: 3000 });
          // A control plane's etcd waits for the bootstrap: its boot is done once the stage is running.
          if (s.stage === 'running') {
            row(r, 'services-up', `boot finished after ${secs(Date.now() - started)} more`);
            return;
          }
          last = `stage ${s.stage}`;
        } catch (err) {
          last = oneLine(err);
        }
        await new Promise((resolve) => setTimeout(resolve, o.intervalMs ?? 1000));
      }
      if (!o.signal?.aborted) row(r, 'failed', `did not finish booting: ${last}`);
    };

    await bounded(toApply, o.concurrency, async (r) => {
      if (o.signal?.aborted) return;
      row(r, 'sending', `applying to ${r.at} (pinned to ${r.fingerprint ?? 'no fingerprint: unpinned'})`);
      try {
        const outcome = await withConnectRetry(
          () => applyConfig(connect, { node: r.at!, config: o.configs.get(r.name)!, mode: 'auto', insecure: true, fingerprints: r.fingerprint ? [r.fingerprint] : [], signal: o.signal }),
          (why) => row(r, 'sending', `retrying: ${why}`),
        );
        row(r, 'installing', outcome.modeDetails.trim() || 'applied');
      } catch (err) {
        row(r, 'failed', oneLine(err));
        answered.set(r.name, Promise.resolve(false));
        return;
      }
      const follow = followRow(r);
      answered.set(r.name, follow);
      servicesUp.push(follow.then((ok) => (ok ? waitBooted(r) : undefined)));
    });


    // ---- drift on configured nodes
    for (const r of active.filter((x) => x.action === 'check-drift')) {
      try {
        const dry = await applyConfig(connect, { node: r.target!, config: o.configs.get(r.name)!, mode: o.driftMode ?? 'auto', dryRun: true, signal: o.signal });
        const diff = driftOf(dry.modeDetails);
        if (diff === null) {
          row(r, 'in-sync', 'runs what the profile regenerates');
          continue;
        }
        if (!o.driftMode || (o.driftNodes && !o.driftNodes.includes(r.name))) {
          row(r, 'drift', `runs a config that differs from the profile's (${diff.split('\n').filter((l) => /^[+-][^+-]/.test(l)).length} lines)`, diff);
          continue;
        }
        const applied = await applyConfig(connect, { node: r.target!, config: o.configs.get(r.name)!, mode: o.driftMode!, signal: o.signal });
        row(r, 'drift-applied', applied.modeDetails.trim() || `applied (${applied.mode})`, diff);
      } catch (err) {
        row(r, 'failed', `drift check: ${oneLine(err)}`);
      }
    }

    // ---- bootstrap once, when every control plane answers
    const cpOk = await Promise.all(cps.map((r) => answered.get(r.name) ?? Promise.resolve(false)));
    if (o.signal?.aborted) {
      emit({ kind: 'done', healthy: false, detail: 'interrupted; run again to resume (configured nodes are recognised and skipped)' });
      return { healthy: false, failed: [...failed] };
    }
    if (o.plan.bootstrap) {
      const name = o.plan.bootstrap;
      const target = rows.find((r) => r.name === name)!.target!;
      if (cpOk.some((ok) => !ok)) {
        emit({ kind: 'bootstrap', name, state: 'skipped', detail: `not every control plane answers over mTLS (${cps.filter((_, i) => !cpOk[i]).map((r) => r.name).join(', ')}): etcd is not bootstrapped` });
      } else {
        const ok = await bootstrapOnce(session, name, target, o);
        if (!ok) failed.add(name);
      }
    }
    await Promise.all([...answered.values()]);
    await Promise.all(servicesUp);
    if (failed.size > 0 || o.plan.rows.some((r) => r.action === 'none')) {
      const why = failed.size > 0 ? `failed: ${[...failed].join(', ')}` : 'some expected machines were not provisioned';
      emit({ kind: 'done', healthy: false, detail: `${why}; run again to resume (configured nodes are recognised and skipped)` });
      return { healthy: false, failed: [...failed] };
    }

    // ---- health
    const cp = cps[0]!;
    try {
      for await (const message of cluster.healthCheck(session.target(cp.target!), {
        waitTimeoutMs: o.healthTimeoutMs ?? 20 * 60_000,
        controlPlaneNodes: targets(cps),
        workerNodes: targets(active.filter((r) => r.role === 'worker')),
      }, { signal: o.signal })) {
        emit({ kind: 'health', message });
      }
    } catch (err) {
      emit({ kind: 'done', healthy: false, detail: `health check failed: ${oneLine(err)}` });
      return { healthy: false, failed: [...failed] };
    }
    const notes = o.finish ? await o.finish(session, cp.target!) : [];
    for (const message of notes) emit({ kind: 'step', message });
    emit({ kind: 'done', healthy: true, detail: `cluster ${o.plan.clusterName} is healthy` });
    return { healthy: true, failed: [] };
  } finally {
    for (const c of insecure) c.close();
    session.close();
  }
}

/**
 * A pinned maintenance apply whose TLS handshake got no answer sent nothing (the pin check comes
 * before the call): it is tried again, twice at most, a second apart. Any other failure is final.
 */
async function withConnectRetry<T>(fn: () => Promise<T>, onRetry: (why: string) => void): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const beforeSending = err instanceof TalosError && /^no TLS answer from /.test(err.message);
      if (!beforeSending || attempt >= 3) throw err;
      onRetry(oneLine(err));
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

async function bootstrapOnce(session: TalosSession, name: string, target: string, o: RunOptions): Promise<boolean> {
  try {
    const checks = await checkBootstrap(session, target);
    const refusal = bootstrapRefusal(target, checks);
    if (refusal) {
      o.onEvent({ kind: 'bootstrap', name, state: 'refused', detail: refusal });
      return false;
    }
    if (o.recover) {
      const snapshot = o.recover;
      if (checks.find((c) => c.node === target)?.type === 'init') {
        o.onEvent({ kind: 'bootstrap', name, state: 'refused', detail: `${name} is an init node, which cannot recover etcd (seed 002 §6)` });
        return false;
      }
      await recoverEtcd(session.target(target), snapshot, { signal: o.signal, onStep: (_step, detail) => o.onEvent({ kind: 'step', message: `${name}: ${detail}` }) });
      o.onEvent({ kind: 'bootstrap', name, state: 'sent', detail: `etcd recovered on ${name} from ${snapshot.file}: the other control planes join it` });
    } else {
      await machine.bootstrap(session.target(target));
      o.onEvent({ kind: 'bootstrap', name, state: 'sent', detail: `etcd bootstrapped on ${name}: the other control planes join it` });
    }
    return true;
  } catch (err) {
    o.onEvent({ kind: 'bootstrap', name, state: 'failed', detail: oneLine(err) });
    return false;
  }
}

/** The diff part of a dry-run's summary, or null when Talos says there are no changes. */
export function driftOf(modeDetails: string): string | null {
  const at = modeDetails.indexOf('Config diff:');
  if (at < 0) return null;
  const diff = modeDetails.slice(at + 'Config diff:'.length).trim();
  return diff === '' || /^No changes\.?$/i.test(diff) ? null : diff;
}
