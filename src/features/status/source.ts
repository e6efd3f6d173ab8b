// The Status pane's data source: polls ServiceList and the etcd calls per node on tickers, outside
// React, and keeps everything in per-node maps so switching node needs no refetch (Talos dashboard
// style). Each node is polled on its own: a slow or dead node never holds the others back, and a
// tick that finds a node's previous call still in flight skips that node (k9s drops overlapping
// refreshes the same way) so calls never pile up. A node that fails keeps its last data, marked
// stale with the error. React sees frozen snapshots through a ThrottledStore (<= 10 per second).
import { setMaxListeners } from 'node:events';
import { analyzeEtcd, type EtcdHealth, type EtcdNodeResult } from '../../core/etcd/health.js';
import { buildServiceRows, type ServiceRow } from '../../core/services.js';
import { ThrottledStore } from '../../core/throttled-store.js';
import { cosi, machine, type TalosSession } from '../../talos/index.js';
import { askEtcd, etcdErrorText, isNotControlPlane } from '../../ops/etcd.js';
import type { EtcdMember, EtcdMemberAlarm, EtcdMemberStatus, ServiceInfo } from '../../talos/api/machine.js';
import type { MessageTone } from '../../core/tone.js';

export type NodeRole = 'controlplane' | 'worker' | 'unknown';

interface Failure {
  message: string;
  at: number;
}

/** Everything known about one node; survives the node leaving the selection. */
interface NodeRecord {
  role: NodeRole;
  services?: { value: ServiceInfo[]; at: number };
  servicesError?: Failure;
  servicesInFlight: boolean;
  etcd: { members?: EtcdMember[]; status?: EtcdMemberStatus; alarms?: EtcdMemberAlarm[]; at?: number };
  etcdError?: Failure;
  etcdInFlight: boolean;
}

export interface NodeSummary {
  node: string;
  role: NodeRole;
  /** No answer yet and no error yet. */
  loading: boolean;
  /** The last ServiceList failed: rows (if any) are from `servicesAt`. */
  stale: boolean;
  servicesAt?: number;
  error?: string;
  running: number;
  total: number;
  /** Services failed or unhealthy. */
  problems: number;
}


export interface Operation {
  id: number;
  /** "defragment", "snapshot", "restart kubelet"... */
  kind: string;
  node: string;
  text: string;
  startedAt: number;
}

export interface StatusSnapshot {
  /** The nodes polled, in the user's order. */
  nodes: readonly string[];
  summaries: Readonly<Record<string, NodeSummary>>;
  /** Service rows per node: the last good answer (stale rows stay), or one failed row. */
  services: Readonly<Record<string, readonly ServiceRow[]>>;
  /** Nodes asked for etcd (control planes and nodes whose role is not known yet). */
  etcdNodes: readonly string[];
  /** null until some control-plane node answered or failed. */
  etcd: EtcdHealth | null;
  etcdAt?: number;
  /** The etcd operation running now (defragment, snapshot, ...): at most one at a time. */
  operation: Operation | null;
  /** What the last operation ended with. */
  lastResult: { text: string; tone: MessageTone } | null;
  /** Why nothing is polled ("no nodes selected"), if so. */
  idle?: string;
  now: number;
}

export interface StatusSourceOptions {
  servicesIntervalMs?: number;
  etcdIntervalMs?: number;
  /** Deadline of each polling call. */
  callDeadlineMs?: number;
  now?: () => number;
  /** Publications per second of the store (default 10). */
  maxPerSecond?: number;
}

const DEFAULTS = { servicesIntervalMs: 2500, etcdIntervalMs: 5000, callDeadlineMs: 8000 };

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}


export class StatusSource {
  readonly store: ThrottledStore<StatusSnapshot>;
  private readonly records = new Map<string, NodeRecord>();
  private nodes: string[] = [];
  /** False until the first setNodes: "no nodes" is only worth saying once we were told. */
  private nodesKnown = false;
  private readonly opts: Required<Omit<StatusSourceOptions, 'maxPerSecond'>>;
  private readonly abort = new AbortController();
  private timers: ReturnType<typeof setInterval>[] = [];
  private operation: Operation | null = null;
  private lastResult: StatusSnapshot['lastResult'] = null;
  private opSeq = 0;
  private slow = 1;
  private disposed = false;

  constructor(
    readonly session: TalosSession,
    options: StatusSourceOptions = {},
  ) {
    this.opts = { ...DEFAULTS, now: Date.now, ...options } as Required<Omit<StatusSourceOptions, 'maxPerSecond'>>;
    this.store = new ThrottledStore(() => this.read(), { maxPerSecond: options.maxPerSecond ?? 10 });
    // Every call of this source listens on the one abort signal: dozens at once are expected, and
    // Node's "possible leak" warning would print over the console's screen.
    setMaxListeners(0, this.abort.signal);
    this.restartTimers();
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** The nodes to watch (the selection, else the context's nodes). Known nodes keep their data. */
  setNodes(nodes: readonly string[]): void {
    const list = [...new Set(nodes.map((n) => n.trim()).filter((n) => n !== ''))];
    if (this.nodesKnown && list.join(',') === this.nodes.join(',')) return;
    this.nodesKnown = true;
    this.nodes = list;
    for (const n of list) if (!this.records.has(n)) this.records.set(n, { role: 'unknown', servicesInFlight: false, etcd: {}, etcdInFlight: false });
    this.store.notify();
    this.refresh();
  }

  /** A hidden pane keeps its data fresh, only less often (x4), to spare the nodes. */
  setActive(active: boolean): void {
    const slow = active ? 1 : 4;
    if (slow === this.slow) return;
    this.slow = slow;
    this.restartTimers();
    if (active) this.refresh();
  }

  /** Poll every node now (nodes with a call still in flight are skipped). */
  refresh(): void {
    this.pollServices();
    this.pollEtcd();
  }

  dispose(): void {
    this.disposed = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.abort.abort();
    this.store.dispose();
  }

  // ---- operations (run by the action table, shown in the pane)

  /**
   * Claim the single operation slot: etcd maintenance is one node at a time (a defragment blocks
   * its member; two at once could cost quorum). Returns null and changes nothing when busy.
   */
  beginOperation(kind: string, node: string, text: string): Operation | null {
    if (this.operation) return null;
    this.operation = { id: ++this.opSeq, kind, node, text, startedAt: this.opts.now() };
    this.store.notify();
    return this.operation;
  }

  progressOperation(op: Operation, text: string): void {
    if (this.operation?.id !== op.id) return;
    this.operation = { ...op, text };
    this.store.notify();
  }

  endOperation(op: Operation, text: string, tone: MessageTone): void {
    if (this.operation?.id === op.id) this.operation = null;
    this.lastResult = { text, tone };
    this.store.notify();
  }

  get busy(): Operation | null {
    return this.operation;
  }

  /** Note the outcome of a quick action (service start/stop) in the pane. */
  noteResult(text: string, tone: MessageTone): void {
    this.lastResult = { text, tone };
    this.store.notify();
  }

  /** The last EtcdStatus this node gave (for before/after sizes). */
  etcdStatusOf(node: string): EtcdMemberStatus | undefined {
    return this.records.get(node)?.etcd.status;
  }

  /** Re-read every etcd node's answers now and wait for them: after an operation, since alarms
   *  and leadership are cluster-wide, every row may have changed. */
  async refreshEtcdNow(): Promise<void> {
    const asked = this.nodes.filter((n) => this.records.get(n)!.role !== 'worker');
    await Promise.all(asked.map((n) => this.pollEtcdNode(n, this.records.get(n)!, true)));
  }

  async refreshServicesNode(node: string): Promise<void> {
    const rec = this.records.get(node);
    if (rec) await this.pollServicesNode(node, rec, true);
  }

  // ---- polling

  private restartTimers(): void {
    for (const t of this.timers) clearInterval(t);
    if (this.disposed) return;
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(fn, ms * this.slow);
      (t as { unref?: () => void }).unref?.();
      return t;
    };
    this.timers = [every(this.opts.servicesIntervalMs, () => this.pollServices()), every(this.opts.etcdIntervalMs, () => this.pollEtcd())];
  }

  private pollServices(): void {
    if (this.disposed) return;
    for (const node of this.nodes) {
      const rec = this.records.get(node)!;
      void this.pollServicesNode(node, rec, false);
    }
  }

  private async pollServicesNode(node: string, rec: NodeRecord, force: boolean): Promise<void> {
    if (rec.servicesInFlight && !force) return;
    rec.servicesInFlight = true;
    try {
      const t = this.session.target(node);
      const value = await machine.serviceList(t, { deadlineMs: this.opts.callDeadlineMs, signal: this.signal });
      rec.services = { value, at: this.opts.now() };
      rec.servicesError = undefined;
      // Only control planes run the etcd service: the cheapest way to learn a node's role.
      if (rec.role === 'unknown' && value.length > 0) rec.role = value.some((s) => s.id === 'etcd') ? 'controlplane' : 'worker';
    } catch (err) {
      if (this.disposed) return;
      rec.servicesError = { message: errorText(err), at: this.opts.now() };
    } finally {
      rec.servicesInFlight = false;
      this.store.notify();
    }
  }

  private pollEtcd(): void {
    if (this.disposed) return;
    for (const node of this.nodes) {
      const rec = this.records.get(node)!;
      if (rec.role === 'worker') continue;
      void this.pollEtcdNode(node, rec, false);
    }
  }

  private async pollEtcdNode(node: string, rec: NodeRecord, force: boolean): Promise<void> {
    if (rec.etcdInFlight && !force) return;
    rec.etcdInFlight = true;
    const opts = { deadlineMs: this.opts.callDeadlineMs, signal: this.signal };
    const t = this.session.target(node);
    try {
      if (rec.role === 'unknown') {
        // Ask once what the machine is; workers have no etcd (their etcd calls are Unimplemented).
        try {
          const type = await cosi.machineType(t, opts);
          if (type === 'worker') rec.role = 'worker';
          else if (type === 'controlplane' || type === 'init') rec.role = 'controlplane';
        } catch {
          // Unknown for now: the etcd calls below tell (Unimplemented = not a control plane).
        }
        if (rec.role === 'worker') return;
      }
      const { members, status, alarms, failures } = await askEtcd(t, { members: true, status: true, alarms: true }, opts);
      if (this.disposed) return;
      if (failures.length === 3 && failures.every(isNotControlPlane)) {
        rec.role = 'worker';
        rec.etcd = {};
        rec.etcdError = undefined;
        return;
      }
      if (failures.length < 3) rec.role = 'controlplane';
      const now = this.opts.now();
      // What failed keeps its last value only for the status row (stale sizes are still useful);
      // stale member lists or alarms would raise false "disagree" or NOSPACE findings.
      rec.etcd = { members, status: status ?? rec.etcd.status, alarms, at: failures.length < 3 ? now : rec.etcd.at };
      rec.etcdError = failures.length > 0 ? { message: etcdErrorText(node, failures[0]), at: now } : undefined;
    } finally {
      rec.etcdInFlight = false;
      this.store.notify();
    }
  }

  // ---- the snapshot React sees

  private read(): StatusSnapshot {
    const now = this.opts.now();
    const summaries: Record<string, NodeSummary> = {};
    const services: Record<string, ServiceRow[]> = {};
    const etcdResults: EtcdNodeResult[] = [];
    const etcdNodes: string[] = [];
    let etcdAt: number | undefined;
    for (const node of this.nodes) {
      const rec = this.records.get(node);
      if (!rec) continue;
      const rows = rec.services
        ? buildServiceRows([{ node, services: rec.services.value }], now)
        : rec.servicesError
          ? buildServiceRows([{ node, error: rec.servicesError.message }], now)
          : [];
      services[node] = rows;
      const real = rows.filter((r) => r.failed === undefined);
      summaries[node] = {
        node,
        role: rec.role,
        loading: !rec.services && !rec.servicesError,
        stale: rec.servicesError !== undefined,
        servicesAt: rec.services?.at,
        error: rec.servicesError?.message,
        running: real.filter((r) => r.state === 'Running').length,
        total: real.length,
        problems: real.filter((r) => r.stateTone === 'bad' || r.health === 'unhealthy').length,
      };
      if (rec.role === 'worker') continue;
      etcdNodes.push(node);
      const e = rec.etcd;
      if (e.members || e.status || e.alarms || rec.etcdError) {
        etcdResults.push({ node, members: e.members, status: e.status, alarms: e.alarms, error: rec.etcdError?.message });
        if (e.at !== undefined) etcdAt = Math.max(etcdAt ?? 0, e.at);
      }
    }
    return {
      nodes: [...this.nodes],
      summaries,
      services,
      etcdNodes,
      etcd: etcdResults.length > 0 ? analyzeEtcd(etcdResults) : null,
      etcdAt,
      operation: this.operation,
      lastResult: this.lastResult,
      idle: this.nodesKnown && this.nodes.length === 0 ? 'no nodes selected: use :node IP[,IP] or set nodes in the talosconfig context' : undefined,
      now,
    };
  }
}
