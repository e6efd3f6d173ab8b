// The Apply pane's controller, outside React: every file read and every call to a node goes through
// here and src/ops (render the inputs, dry run / apply, follow the reboot, bootstrap guard, kubeconfig,
// health). It turns what comes back into ApplyEvents for the pure reducer (state.ts) and publishes the
// state through a ThrottledStore; the pane only draws it and asks the questions (confirmations, paths).
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ReducerStore } from '../../core/reducer-store.js';
import { cluster, insecureClient, machine, TalosError, type TalosSession } from '../../talos/index.js';
import { identifyNode } from '../../talos/identify.js';
import { applyConfig, formatOutcome, type ApplyConnector } from '../../ops/apply-run.js';
import { hostPart, inputsFromInventory, machineTypeOf, renderInputs, staticAddressOf } from '../../ops/apply-inputs.js';
import { shortPath } from '../../ops/short-path.js';
import { bootstrapRefusal, checkBootstrap } from '../../ops/bootstrap-guard.js';
import { followReboot, secs } from '../../ops/follow-reboot.js';
import { reachNode } from '../../ops/reach-node.js';
import { defaultKubeconfigPath, describeSaved, saveKubeconfig } from '../../ops/kubeconfig.js';
import type { ApplyParams } from '../../ui/pane-types.js';
import { errorLine } from '../../ui/text.js';
import type { Note } from '../../ui/DocumentView.js';
import { applyReducer, initialApplyState, NO_BASE_NOTE, NO_INPUTS, type ApplyEvent, type ApplyState } from './state.js';

export const DEFAULT_FOLLOW_TIMEOUT_MS = 10 * 60_000;

/** ~/… for a path under the home directory (what the user typed or will recognise). */
export const homePath = (p: string): string => (p.startsWith(os.homedir() + path.sep) ? `~${p.slice(os.homedir().length)}` : shortPath(p));
const expandHome = (p: string) => (p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p);

export interface ApplyTiming {
  followTimeoutMs: number;
  followIntervalMs: number;
}

export class ApplyController extends ReducerStore<ApplyState, ApplyEvent> {
  private session: TalosSession | null = null;
  private sessionProblem: string | null = null;
  private run: AbortController | null = null;
  private timing: ApplyTiming = { followTimeoutMs: DEFAULT_FOLLOW_TIMEOUT_MS, followIntervalMs: 1000 };

  constructor() {
    super(applyReducer, initialApplyState(renderInputs(NO_INPUTS)));
  }

  private note(text: string, tone: Note['tone']): void {
    this.dispatch({ type: 'note', note: { text, tone } });
  }

  /** Read the files again and render (a base or patch edited since must not be shown or sent stale). */
  rerender(): ApplyState['rendered'] {
    const rendered = renderInputs(this.current.inputs);
    this.dispatch({ type: 'rendered', rendered });
    return rendered;
  }

  private change(e: ApplyEvent): void {
    this.dispatch(e);
    this.rerender();
  }

  setSession(session: TalosSession | null, problem: string | null): void {
    this.session = session;
    this.sessionProblem = problem;
  }

  /** A navigation from Discovery: its node, connection and parsed inventory entry (nothing re-read). */
  navigate(p: ApplyParams): void {
    this.stop();
    if (p.followTimeoutMs !== undefined) this.timing.followTimeoutMs = p.followTimeoutMs;
    if (p.followIntervalMs !== undefined) this.timing.followIntervalMs = p.followIntervalMs;
    const node = (p.port ?? 50000) === 50000 ? p.node : `${p.node}:${p.port}`;
    const fingerprint = p.certFingerprint ? p.certFingerprint : null;
    const base = { type: 'navigated' as const, node, insecure: p.insecure === true, fingerprint };
    if (!p.inventoryEntry) {
      // The previous node's base and patches (hostname, static address) must not carry over to this one.
      this.change({ ...base, entry: null, inputs: NO_INPUTS, note: NO_BASE_NOTE });
      return;
    }
    const entry = { name: p.inventoryEntry.name, role: p.inventoryEntry.role };
    try {
      this.change({ ...base, entry, inputs: inputsFromInventory(p.inventoryEntry, p.inventory ?? null), note: null });
    } catch (err) {
      this.change({ ...base, entry, inputs: NO_INPUTS, note: { text: errorLine(err), tone: 'error' } });
    }
  }

  /** A typed node: ask it what it is (maintenance or configured) and pin what it presents, saying so. */
  async typeNode(v: string): Promise<void> {
    this.stop();
    const asking: Note = { text: `node ${v}: asking what it is…`, tone: 'info' };
    this.change({ type: 'node-typed', node: v, asking });
    const m = /^(.+):(\d+)$/.exec(v);
    const id = await identifyNode(m ? m[1]! : v, m ? Number(m[2]) : 50000, { session: this.session, timeoutMs: 3000 });
    if (id.kind === 'maintenance') {
      const text = `node ${v}: maintenance mode; ${id.certFingerprint ? 'pinned to the certificate it presents now' : 'NOT pinned (no certificate seen)'}; patches cleared (p adds)`;
      this.dispatch({ type: 'identified', asking, insecure: true, fingerprint: id.certFingerprint ?? null, note: { text, tone: id.certFingerprint ? 'info' : 'warn' } });
    } else if (id.kind === 'configured') {
      this.dispatch({ type: 'identified', asking, insecure: false, note: { text: `node ${v}: configured: mTLS over the session; patches cleared (p adds)`, tone: 'info' } });
    } else {
      this.dispatch({ type: 'identified', asking, note: { text: `node ${v}: ${id.error ?? id.kind}; i switches maintenance/mTLS`, tone: 'warn' } });
    }
  }

  setBase(file: string): void {
    this.change({ type: 'base', file: path.resolve(file) });
  }
  addPatch(file: string): void {
    this.change({ type: 'patch-added', file: path.resolve(file) });
  }
  dropPatches(): void {
    this.change({ type: 'patches-dropped' });
  }
  cycleMode(): void {
    this.dispatch({ type: 'mode-cycled' });
  }
  toggleInsecure(): void {
    this.dispatch({ type: 'insecure-toggled' });
  }
  /** Back to the rendered config (after a reply or a health check), read again. */
  showConfig(): void {
    this.change({ type: 'show-config' });
  }
  scrollTo(top: number): void {
    this.dispatch({ type: 'scroll', top });
  }

  /** Stop the apply, the reboot followed or the health check (the node carries on). */
  stop(): void {
    this.run?.abort();
    this.setRun(null);
  }
  private newRun(): AbortController {
    this.stop();
    const c = new AbortController();
    this.setRun(c);
    return c;
  }
  private setRun(c: AbortController | null): void {
    this.run = c;
    this.dispatch({ type: 'running', running: c !== null });
  }
  private endRun(c: AbortController): void {
    if (this.run === c) this.setRun(null);
  }

  private noSession(what: string): TalosError {
    return new TalosError({ code: 14, message: `no session to reach ${what} over mTLS: ${this.sessionProblem ?? 'no talosconfig'}` });
  }

  private connector(clients: { close(): void }[]): ApplyConnector {
    return {
      insecure: (address, opts) => {
        const c = insecureClient(address, opts);
        clients.push(c);
        return c;
      },
      session: () => {
        if (!this.session) throw this.noSession(this.current.node ?? 'the node');
        return this.session;
      },
    };
  }

  /** d (dryRun) or a confirmed apply: read the files again, send, show Talos's reply, follow a reboot. */
  async send(dryRun: boolean): Promise<void> {
    const s = this.current;
    if (!s.node) return;
    const fresh = this.rerender();
    if (!fresh.ok) {
      this.note(fresh.error, 'error');
      return;
    }
    const { node: target, mode, insecure: wasInsecure, fingerprint } = s;
    const config = fresh.config;
    const run = this.newRun();
    const clients: { close(): void }[] = [];
    this.dispatch({ type: 'busy', busy: dryRun ? `dry run: asking ${target}…` : `applying to ${target}…` });
    this.dispatch({ type: 'note', note: null });
    let follow = false;
    try {
      const outcome = await applyConfig(this.connector(clients), {
        node: target,
        config,
        mode,
        dryRun,
        insecure: wasInsecure,
        fingerprints: wasInsecure && fingerprint ? [fingerprint] : undefined,
        signal: run.signal,
      });
      const { warnings, details } = formatOutcome(outcome);
      const head = dryRun ? `dry run on ${target} (mode ${mode}): ${target} replied` : `applied to ${target}: mode ${outcome.mode}`;
      this.dispatch({ type: 'output', output: { title: dryRun ? `dry run reply from ${target}` : `apply reply from ${target}`, lines: [head, ...warnings, ...details.replace(/\n$/, '').split('\n')] } });
      // Talos v1.14+ applies auto without a reboot: say so, or the operator waits for one that never comes.
      const applied = outcome.note ? `applied to ${target} (mode ${outcome.mode}): ${outcome.note}` : `applied to ${target} (mode ${outcome.mode})`;
      this.note(dryRun ? `dry run answered by ${target}: nothing was changed` : applied, outcome.note && !dryRun ? 'warn' : 'ok');
      follow = !dryRun && mode !== 'staged' && (wasInsecure || outcome.mode === 'reboot');
    } catch (err) {
      if (!run.signal.aborted) this.note(errorLine(err), 'error');
    } finally {
      for (const c of clients) c.close();
      this.dispatch({ type: 'busy', busy: null });
    }
    if (follow) await this.followNode(target, staticAddressOf(config) ?? hostPart(target), run, config);
    else this.endRun(run);
  }

  private async followNode(from: string, to: string, run: AbortController, config: string): Promise<void> {
    const started = Date.now();
    const { followTimeoutMs, followIntervalMs } = this.timing;
    this.dispatch({ type: 'append', line: '' });
    this.dispatch({ type: 'append', line: `following the reboot: ${from} -> ${to} (timeout ${Math.round(followTimeoutMs / 1000)}s, Esc stops)` });
    const final = await followReboot({
      from,
      to,
      timeoutMs: followTimeoutMs,
      intervalMs: followIntervalMs,
      signal: run.signal,
      answers: async (signal) => {
        const session = this.session;
        if (!session) throw new Error(`no session: ${this.sessionProblem ?? 'no talosconfig'}`);
        const reach = reachNode(session, to);
        try {
          const v = await machine.version(reach.session.target(to), { deadlineMs: 2000, signal });
          return v.version?.tag ?? '';
        } finally {
          reach.close();
        }
      },
      onPhase: (phase, detail) => {
        this.dispatch({ type: 'follow', follow: { phase, detail, started } });
        this.dispatch({ type: 'append', line: `${secs(Date.now() - started)}  ${detail}` });
      },
    });
    if (final === 'up') this.dispatch({ type: 'followed-up', to, worker: machineTypeOf(config) === 'worker' });
    this.endRun(run);
  }

  /** The host part of the node, when there is a session to reach it over mTLS. */
  private mtlsHost(): { session: TalosSession; host: string } | null {
    const node = this.current.node;
    return this.session && node ? { session: this.session, host: hostPart(node) } : null;
  }

  /** b, first half: check etcd everywhere; the node to confirm with, or null when refused (the note says why). */
  async guardBootstrap(): Promise<string | null> {
    const t = this.mtlsHost();
    if (!t) return null;
    const reach = reachNode(t.session, t.host);
    this.dispatch({ type: 'busy', busy: `checking etcd before bootstrapping ${t.host}…` });
    try {
      const refusal = bootstrapRefusal(t.host, await checkBootstrap(reach.session, t.host));
      if (refusal) {
        this.note(`bootstrap refused: ${refusal}`, 'error');
        return null;
      }
      return t.host;
    } catch (err) {
      this.note(`bootstrap check failed: ${errorLine(err)}`, 'error');
      return null;
    } finally {
      reach.close();
      this.dispatch({ type: 'busy', busy: null });
    }
  }

  /** b, confirmed: send Bootstrap to that one node. */
  async bootstrap(target: string): Promise<void> {
    if (!this.session) return;
    this.dispatch({ type: 'busy', busy: `bootstrapping ${target}…` });
    const sending = reachNode(this.session, target);
    try {
      await machine.bootstrap(sending.session.target(target));
      this.note(`bootstrap sent to ${target}: etcd starts there and the other control-plane nodes join it`, 'ok');
    } catch (err) {
      this.note(`bootstrap of ${target} failed: ${errorLine(err)}`, 'error');
    } finally {
      sending.close();
      this.dispatch({ type: 'busy', busy: null });
    }
  }

  /** k: where the kubeconfig goes by default (~/.kube/config, as talosctl), shown as the user reads it; null when unknown (the note says why). */
  kubeconfigInitial(): string | null {
    try {
      return homePath(defaultKubeconfigPath());
    } catch (err) {
      this.note(errorLine(err), 'error');
      return null;
    }
  }

  /** The file a typed kubeconfig path names, and whether it exists (K asks before replacing entries in it). */
  kubeconfigTarget(typed: string): { file: string; exists: boolean } {
    const file = path.resolve(expandHome(typed));
    return { file, exists: existsSync(file) };
  }

  async saveKubeconfig(file: string, force: boolean): Promise<void> {
    const t = this.mtlsHost();
    if (!t) return;
    this.dispatch({ type: 'busy', busy: `fetching the kubeconfig from ${t.host}…` });
    const reach = reachNode(t.session, t.host);
    try {
      const text = await machine.kubeconfig(reach.session.target(t.host));
      const saved = await saveKubeconfig(text, file, { force });
      this.note(describeSaved(saved, homePath(saved.path)), 'ok');
    } catch (err) {
      this.note(`kubeconfig not saved: ${errorLine(err)}`, 'error');
    } finally {
      reach.close();
      this.dispatch({ type: 'busy', busy: null });
    }
  }

  /** h: stream the cluster health check from this node. */
  async health(): Promise<void> {
    const t = this.mtlsHost();
    if (!t) return;
    const run = this.newRun();
    this.dispatch({ type: 'busy', busy: `health check on ${t.host} (Esc stops)…` });
    this.dispatch({ type: 'output', output: { title: `health check from ${t.host}`, lines: [] } });
    const reach = reachNode(t.session, t.host);
    if (reach.note) this.dispatch({ type: 'append', line: reach.note });
    try {
      for await (const line of cluster.healthCheck(reach.session.target(t.host), { waitTimeoutMs: this.timing.followTimeoutMs }, { signal: run.signal })) this.dispatch({ type: 'append', line });
      this.note(`health check on ${t.host} passed`, 'ok');
    } catch (err) {
      if (!run.signal.aborted) this.note(`health check on ${t.host}: ${errorLine(err)}`, 'error');
    } finally {
      reach.close();
      this.endRun(run);
      this.dispatch({ type: 'busy', busy: null });
    }
  }

  override dispose(): void {
    this.run?.abort();
    this.run = null;
    super.dispose();
  }
}
