// The Status pane's data source: polls ServiceList and the etcd calls per node outside React, and
// keeps everything in per-node maps so switching node needs no refetch (Talos dashboard style). Each
// node is polled on its own turn (PollScheduler): the shown node every interval, the others less
// often, spread over time; a slow or dead node never holds the others back, and a node whose
// previous call is still in flight is skipped (k9s drops overlapping refreshes the same way) so calls
// never pile up. A node that fails keeps its last data, marked stale with the error. React sees
// frozen snapshots through a ThrottledStore (<= 10 per second), and only when something on screen
// changed: a reply for a node not shown publishes nothing.
import { setMaxListeners } from 'node:events';
import { analyzeEtcd, type EtcdHealth, type EtcdNodeResult } from '../../core/etcd/health.js';
import { buildServiceRows, type ServiceRow } from '../../core/services.js';
import { ThrottledStore } from '../../core/throttled-store.js';
import { cosi, machine, type TalosSession } from '../../talos/index.js';
import { askEtcd, etcdErrorText, isNotControlPlane } from '../../ops/etcd.js';
import { PollScheduler } from './poll-scheduler.js';
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
  /** The last good answer; `at` is when it was last confirmed, `fingerprint` tells a changed answer. */
  services?: { value: ServiceInfo[]; at: number; fingerprint: string };
  servicesError?: Failure;
  servicesInFlight: boolean;
  etcd: { members?: EtcdMember[]; status?: EtcdMemberStatus; alarms?: EtcdMemberAlarm[]; at?: number };
  etcdError?: Failure;
  etcdInFlight: boolean;
  /** The last etcd answers as one string: the same answers again publish nothing. */
  etcdFingerprint?: string;
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
/**
 * Periodic calls per second of one kind at most (services, etcd): past that a round over every node
 * takes longer. At 500 nodes the polling alone cost more than a tenth of a core.
 */
const MAX_CALLS_PER_SECOND = 100;
/** Nodes not on screen are asked this many times less often (still fresh when switched to)... */
const BACKGROUND_EVERY = 4;
/** ...and at most this many of them a second: 500 nodes each every 20 s (a node switched to is asked at once). */
const MAX_BACKGROUND_PER_SECOND = 25;
/** Roles learnt within this long are handed to the etcd polling together (500 at a first look). */
const ROLE_SYNC_MS = 50;
/** How often unchanged answers still publish, so relative times on screen ("12s ago") move on. */
const AGES_REFRESH_MS = 5_000;

/** A node's summary, rebuilt only when its record changed (the reply, the error or the role). */
interface SummaryCache {
  services: NodeRecord['services'];
  error: Failure | undefined;
  role: NodeRole;
  summary: NodeSummary;
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}


/** What an answer says, as one comparable string (timestamps are bigint: written as text). */
function fingerprint(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** A node's service rows: its last good answer, else its one failed row, else none yet. */
function serviceRows(node: string, value: ServiceInfo[] | undefined, error: string | undefined, now: number): ServiceRow[] {
  if (value) return buildServiceRows([{ node, services: value }], now);
  return error !== undefined ? buildServiceRows([{ node, error }], now) : [];
}

export class StatusSource {
  readonly store: ThrottledStore<StatusSnapshot>;
  private readonly records = new Map<string, NodeRecord>();
  private nodes: string[] = [];
  /** False until the first setNodes: "no nodes" is only worth saying once we were told. */
  private nodesKnown = false;
  private readonly opts: Required<Omit<StatusSourceOptions, 'maxPerSecond'>>;
  private readonly abort = new AbortController();
  /** Each node's ServiceList on its own turn; the shown node every interval, the rest less often. */
  private readonly servicesPolls: PollScheduler;
  /** The etcd calls of control planes (and of nodes whose role is not known yet, less often). */
  private readonly etcdPolls: PollScheduler;
  /** The node the pane shows (null: not told, every node counts as shown). */
  private shown: string | null = null;
  /** Nodes whose answer changed while not on screen: switching to one publishes at once. */
  private readonly unpublished = new Set<string>();
  /** Control planes as last told to etcdPolls (changed only when a role changes). */
  private etcdKeys = '';
  /** Roles learnt in a burst (a first look at 500 nodes) are told to etcdPolls once. */
  private etcdSync: ReturnType<typeof setTimeout> | null = null;
  private readonly summaries = new Map<string, SummaryCache>();
  /** When an answer last published a snapshot (unchanged ones refresh the ages every AGES_REFRESH_MS). */
  private lastPublishedAt = 0;
  private operation: Operation | null = null;
  private lastResult: StatusSnapshot['lastResult'] = null;
  private opSeq = 0;
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
    const common = { backgroundEvery: BACKGROUND_EVERY, maxPerSecond: MAX_CALLS_PER_SECOND, now: this.opts.now };
    this.servicesPolls = new PollScheduler({
      ...common,
      maxBackgroundPerSecond: MAX_BACKGROUND_PER_SECOND,
      periodMs: this.opts.servicesIntervalMs,
      poll: (n) => this.pollServicesNode(n, false),
    });
    this.etcdPolls = new PollScheduler({ ...common, periodMs: this.opts.etcdIntervalMs, poll: (n) => this.pollEtcdNode(n, false) });
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
    // New nodes are due now (the shown one first, the rest at the scheduler's rate); known ones keep their turn.
    this.servicesPolls.setNodes(list);
    this.syncEtcdNodes();
  }

  /**
   * The node on screen: its ServiceList every interval, the others every BACKGROUND_EVERY intervals;
   * and only its answers (and etcd's) repaint, since nothing shows the others' rows.
   */
  setFocus(nodes: readonly string[]): void {
    const shown = nodes[0] ?? null;
    if (shown === this.shown) return;
    this.shown = shown;
    this.servicesPolls.setFocus(shown === null ? [] : [shown]);
    // Its rows changed while it was not shown: nothing published them yet.
    if (shown !== null && this.unpublished.has(shown)) this.store.notify();
  }

  /** A hidden pane keeps its data fresh, only less often (x4), to spare the nodes. */
  setActive(active: boolean): void {
    this.servicesPolls.setSlow(active ? 1 : 4);
    this.etcdPolls.setSlow(active ? 1 : 4);
  }

  /** Poll every node now (nodes with a call still in flight are skipped; the rate still applies). */
  refresh(): void {
    this.servicesPolls.pollNow();
    this.etcdPolls.pollNow();
  }

  dispose(): void {
    this.disposed = true;
    this.servicesPolls.stop();
    this.etcdPolls.stop();
    if (this.etcdSync !== null) clearTimeout(this.etcdSync);
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
    await Promise.all(asked.map((n) => this.pollEtcdNode(n, true)));
  }

  async refreshServicesNode(node: string): Promise<void> {
    if (this.records.has(node)) await this.pollServicesNode(node, true);
  }

  // ---- polling

  /** etcd is asked of every node that may be a control plane: the known ones every interval, unknown ones less often. */
  private syncEtcdNodes(): void {
    const asked = this.nodes.filter((n) => this.records.get(n)!.role !== 'worker');
    const controlPlanes = asked.filter((n) => this.records.get(n)!.role === 'controlplane');
    const key = `${asked.join(',')}|${controlPlanes.join(',')}`;
    if (key === this.etcdKeys) return;
    this.etcdKeys = key;
    this.etcdPolls.setNodes(asked);
    this.etcdPolls.setFocus(controlPlanes);
  }

  /** A node's role may have changed: etcdPolls learns it shortly, once for a whole burst of answers. */
  private roleLearnt(): void {
    if (this.etcdSync !== null || this.disposed) return;
    this.etcdSync = setTimeout(() => {
      this.etcdSync = null;
      this.syncEtcdNodes();
    }, ROLE_SYNC_MS);
    (this.etcdSync as { unref?: () => void }).unref?.();
  }

  /** Whether a change of this node's data is on screen (and worth a repaint). */
  private onScreen(node: string): boolean {
    return this.shown === null || this.shown === node;
  }

  private async pollServicesNode(node: string, force: boolean): Promise<void> {
    const rec = this.records.get(node);
    if (!rec || (rec.servicesInFlight && !force)) return;
    rec.servicesInFlight = true;
    let changed = true;
    try {
      const t = this.session.target(node);
      const value = await machine.serviceList(t, { deadlineMs: this.opts.callDeadlineMs, signal: this.signal });
      const print = fingerprint(value);
      // The same answer again (the usual case): keep the record as it is, only its time moves, and
      // publish nothing: at 500 nodes a repaint per unchanged reply was most of the idle CPU.
      changed = rec.servicesError !== undefined || rec.services?.fingerprint !== print;
      if (changed) rec.services = { value, at: this.opts.now(), fingerprint: print };
      else rec.services!.at = this.opts.now();
      rec.servicesError = undefined;
      // Only control planes run the etcd service: the cheapest way to learn a node's role.
      if (rec.role === 'unknown' && value.length > 0) {
        rec.role = value.some((s) => s.id === 'etcd') ? 'controlplane' : 'worker';
        changed = true;
        this.roleLearnt();
      }
    } catch (err) {
      if (this.disposed) return;
      rec.servicesError = { message: errorText(err), at: this.opts.now() };
    } finally {
      rec.servicesInFlight = false;
      // A node not on screen publishes nothing: its rows are read when it is switched to.
      if (!this.onScreen(node)) {
        if (changed) this.unpublished.add(node);
      } else this.publish(changed);
    }
  }

  private async pollEtcdNode(node: string, force: boolean): Promise<void> {
    const rec = this.records.get(node);
    if (!rec || rec.role === 'worker' || (rec.etcdInFlight && !force)) return;
    // Not known yet and ServiceList (which tells the role for free) has not answered: wait for it
    // rather than ask 500 nodes what they are at once.
    if (rec.role === 'unknown' && !force && !rec.services && !rec.servicesError) return;
    rec.etcdInFlight = true;
    const roleBefore = rec.role;
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
      this.roleLearnt();
      const print = fingerprint([rec.etcd.members, rec.etcd.status, rec.etcd.alarms, rec.etcdError?.message]);
      this.publish(print !== rec.etcdFingerprint || rec.role !== roleBefore);
      rec.etcdFingerprint = print;
    }
  }

  /** Unchanged answers still publish now and then: the rows say "12s ago", which must move on. */
  private publish(changed: boolean): void {
    const now = this.opts.now();
    if (!changed && now - this.lastPublishedAt < AGES_REFRESH_MS) return;
    this.lastPublishedAt = now;
    this.store.notify();
  }

  // ---- the snapshot React sees

  private summaryOf(node: string, rec: NodeRecord, now: number): NodeSummary {
    const cached = this.summaries.get(node);
    if (cached && cached.services === rec.services && cached.error === rec.servicesError && cached.role === rec.role) {
      // The same answer confirmed again: only its time moves (no rows rebuilt for it).
      if (cached.summary.servicesAt !== rec.services?.at) cached.summary = { ...cached.summary, servicesAt: rec.services?.at };
      return cached.summary;
    }
    // Counts do not depend on the time: the rows built here with `now` are only counted.
    const real = serviceRows(node, rec.services?.value, rec.servicesError?.message, now).filter((r) => r.failed === undefined);
    const summary: NodeSummary = {
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
    this.summaries.set(node, { services: rec.services, error: rec.servicesError, role: rec.role, summary });
    return summary;
  }

  private read(): StatusSnapshot {
    const now = this.opts.now();
    this.unpublished.clear();
    const summaries: Record<string, NodeSummary> = {};
    const services: Record<string, ServiceRow[]> = {};
    const etcdResults: EtcdNodeResult[] = [];
    const etcdNodes: string[] = [];
    let etcdAt: number | undefined;
    for (const node of this.nodes) {
      const rec = this.records.get(node);
      if (!rec) continue;
      summaries[node] = this.summaryOf(node, rec, now);
      // Rows only for the nodes a reader asks for (the pane shows one): built on first access.
      const value = rec.services?.value;
      const error = rec.servicesError?.message;
      let rows: ServiceRow[] | undefined;
      Object.defineProperty(services, node, { enumerable: true, get: () => (rows ??= serviceRows(node, value, error, now)) });
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
