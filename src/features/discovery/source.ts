// The Discovery pane's data source, outside React: parses targets, runs scan + identify, keeps
// the rows and the inventory match, and publishes frozen snapshots through a ThrottledStore.
//
// Rows stay put: a rescan (`rescan()`) merges what it finds into the previous rows with
// mergeScan, so a machine keeps its row (and the selection) even when it moved from its DHCP
// address to its static one after apply (same MAC). Rows not seen yet during a rescan show as
// 'pending', and as 'gone' once the rescan is over. A new scan (`scan()`) starts a fresh table.
import os from 'node:os';
import path from 'node:path';
import { mergeScan, type MatchResult } from '../../core/match.js';
import { InventoryError, parseInventory, type Inventory } from '../../core/inventory.js';
import { describeTargets, parseTargets, TargetError } from '../../core/targets.js';
import { ThrottledStore } from '../../core/throttled-store.js';
import { readUserFile, UserFileError } from '../../io/user-file.js';
import type { IdentifiedNode } from '../../talos/identify.js';
import type { TalosSession } from '../../talos/session.js';
import { compareNodes, discover, DEFAULT_PORT, type ScanProgress } from '../../ops/discover.js';
import { matchNodes, rowMatch, summaryText, type RowMatch } from '../../ops/discover-report.js';

export type Phase = 'idle' | 'running' | 'done' | 'cancelled' | 'failed';

/** kept/moved/new/gone: against the previous scan; pending: not seen yet by the running rescan. */
export type RowChange = 'kept' | 'moved' | 'new' | 'gone' | 'pending' | 'first';

export interface DiscoveryRow {
  /** Stable across rescans (the first endpoint the machine was seen at). */
  key: string;
  ip: string;
  port: number;
  /** null while the open port is being identified. */
  node: IdentifiedNode | null;
  change: RowChange;
  movedFrom?: string;
  match: RowMatch;
}

export interface DiscoverySnapshot {
  phase: Phase;
  /** The targets of the last scan that started (what `r` rescans). */
  targets: string;
  targetsLabel: string;
  /** Why the last command did not run (bad target, bad inventory) or the scan failed. */
  error: string | null;
  progress: ScanProgress | null;
  /** Open ports still being identified. */
  identifying: number;
  rows: readonly DiscoveryRow[];
  inventory: Inventory | null;
  match: MatchResult | null;
  summary: string;
  /** Scans started so far. */
  scans: number;
  /** Scan + identify time of the last finished scan. */
  lastElapsedMs: number | null;
  port: number;
}

export interface DiscoverySourceOptions {
  session?: TalosSession | null;
  port?: number;
  timeoutMs?: number;
  concurrency?: number;
  identifyConcurrency?: number;
  identifyTimeoutMs?: number;
  maxPerSecond?: number;
  /** Reads the inventory file (tests replace it). */
  readFile?: (file: string) => string;
}

interface Item {
  key: string;
  ip: string;
  port: number;
  macs: readonly string[];
  mac: string | null;
  node: IdentifiedNode | null;
}

const endpointOf = (x: { ip: string; port: number }) => `${x.ip}:${x.port}`;

function itemOf(key: string, ip: string, port: number, node: IdentifiedNode | null): Item {
  return { key, ip, port, node, macs: node?.macs ?? [], mac: node?.mac ?? null };
}

export class DiscoverySource {
  readonly store: ThrottledStore<DiscoverySnapshot>;
  private readonly opts: DiscoverySourceOptions;
  private phase: Phase = 'idle';
  private targets = '';
  private targetsLabel = '';
  private error: string | null = null;
  private progress: ScanProgress | null = null;
  /** Rows as of the last finished scan: the base a rescan merges into. */
  private previous: Item[] = [];
  /** What the running scan found, by endpoint. */
  private current = new Map<string, Item>();
  private rows: DiscoveryRow[] = [];
  private inventory: Inventory | null = null;
  private match: MatchResult | null = null;
  private scans = 0;
  private lastElapsedMs: number | null = null;
  private controller: AbortController | null = null;
  /** Ignores callbacks of a scan that was replaced by a newer one. */
  private runId = 0;
  private disposed = false;

  constructor(opts: DiscoverySourceOptions = {}) {
    this.opts = { ...opts };
    this.store = new ThrottledStore(() => this.read(), { maxPerSecond: opts.maxPerSecond ?? 10 });
  }

  /** The session `:ctx` put in place: the next scan identifies configured nodes with it. */
  setSession(session: TalosSession | null): void {
    this.opts.session = session;
  }

  private read(): DiscoverySnapshot {
    return {
      phase: this.phase,
      targets: this.targets,
      targetsLabel: this.targetsLabel,
      error: this.error,
      progress: this.progress,
      identifying: [...this.current.values()].filter((i) => i.node === null).length,
      rows: this.rows,
      inventory: this.inventory,
      match: this.match,
      summary: summaryText(this.match),
      scans: this.scans,
      lastElapsedMs: this.lastElapsedMs,
      port: this.opts.port ?? DEFAULT_PORT,
    };
  }

  /** A fresh scan of `text` (CIDRs, IPs, ranges). Returns false (and says why in `error`) when the targets are bad: nothing is scanned. */
  scan(text: string, opts: { force?: boolean } = {}): boolean {
    return this.start(text, false, opts.force ?? false);
  }

  /** Scan the last targets again, keeping rows stable. */
  rescan(): boolean {
    if (this.targets === '') {
      this.fail('nothing to rescan yet: press s and enter targets');
      return false;
    }
    return this.start(this.targets, true, false);
  }

  cancel(): void {
    if (this.phase !== 'running') return;
    this.controller?.abort();
    this.phase = 'cancelled';
    this.store.notify();
  }

  get running(): boolean {
    return this.phase === 'running';
  }

  /** Reads and checks an inventory file; on error nothing changes and the sentence is returned. */
  loadInventory(file: string): string | null {
    const trimmed = file.trim();
    if (trimmed === '') return 'give the inventory file path';
    const resolved = trimmed === '~' || trimmed.startsWith('~/') ? path.join(os.homedir(), trimmed.slice(1)) : trimmed;
    let text: string;
    try {
      text = (this.opts.readFile ?? ((f) => readUserFile(f, 'inventory', { shown: trimmed })))(resolved);
    } catch (err) {
      return this.fail(err instanceof UserFileError ? err.message : `inventory ${trimmed} cannot be read: ${(err as Error).message}`);
    }
    try {
      this.inventory = parseInventory(text, resolved);
    } catch (err) {
      return this.fail(err instanceof InventoryError ? err.message : `inventory ${trimmed}: ${(err as Error).message}`);
    }
    this.error = null;
    this.rebuild();
    return null;
  }

  dispose(): void {
    this.disposed = true;
    this.controller?.abort();
    this.store.dispose();
  }

  private fail(message: string): string {
    this.error = message;
    this.store.notify();
    return message;
  }

  private start(text: string, keep: boolean, force: boolean): boolean {
    if (this.disposed) return false;
    // `--force` among the targets (as on the command line) lifts the /16 limit; kept in the
    // text so a rescan scans the same again.
    const words = text.split(/[\s,]+/).filter((w) => w !== '');
    const forced = force || words.includes('--force');
    let targets;
    try {
      targets = parseTargets([words.filter((w) => w !== '--force').join(' ')], { force: forced });
    } catch (err) {
      this.fail(err instanceof TargetError ? err.message : (err as Error).message);
      return false;
    }
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const id = ++this.runId;
    if (!keep || this.phase === 'running') {
      // A fresh table; a rescan started over a running scan merges into what that scan had.
      this.previous = keep ? this.snapshotItems() : [];
    }
    this.targets = text.trim();
    this.targetsLabel = describeTargets(targets);
    this.phase = 'running';
    this.error = null;
    this.progress = null;
    this.current = new Map();
    this.scans++;
    this.rebuild();

    const mine = () => id === this.runId && !this.disposed;
    discover({
      targets,
      port: this.opts.port,
      timeoutMs: this.opts.timeoutMs,
      concurrency: this.opts.concurrency,
      identifyConcurrency: this.opts.identifyConcurrency,
      identifyTimeoutMs: this.opts.identifyTimeoutMs,
      session: this.opts.session,
      signal: controller.signal,
      onProgress: (p) => {
        if (!mine()) return;
        this.progress = p;
        this.store.notify();
      },
      onOpen: (ip, port) => {
        if (!mine()) return;
        this.current.set(`${ip}:${port}`, itemOf(`${ip}:${port}`, ip, port, null));
        this.rebuild();
      },
      onIdentified: (node) => {
        if (!mine()) return;
        this.current.set(endpointOf(node), itemOf(endpointOf(node), node.ip, node.port, node));
        this.rebuild();
      },
    }).then(
      (result) => {
        if (!mine()) return;
        this.lastElapsedMs = result.elapsedMs;
        if (this.phase === 'running') this.phase = result.cancelled ? 'cancelled' : 'done';
        this.finishRun();
      },
      (err: unknown) => {
        if (!mine()) return;
        this.phase = 'failed';
        this.error = `scan failed: ${(err as Error).message}`;
        this.finishRun();
      },
    );
    return true;
  }

  /** The run is over: what the table shows becomes the base of the next rescan. */
  private finishRun(): void {
    // Ports still unidentified (cancelled) are dropped: without facts they cannot anchor a row.
    for (const [k, item] of this.current) if (item.node === null) this.current.delete(k);
    this.rebuild();
    this.previous = this.snapshotItems();
    this.controller = null;
  }

  private snapshotItems(): Item[] {
    return this.rows.filter((r) => r.node !== null).map((r) => itemOf(r.key, r.ip, r.port, r.node));
  }

  /** Recompute rows and the inventory match from `previous` + `current`. */
  private rebuild(): void {
    const next = [...this.current.values()].sort(compareNodes);
    const merged = mergeScan(this.previous, next);
    const taken = new Set(this.previous.map((p) => p.key));
    const running = this.phase === 'running';
    const first = this.previous.length === 0;
    const facts = new Map<DiscoveryRow, IdentifiedNode | null>();
    const rows: DiscoveryRow[] = merged.map((m, i): DiscoveryRow => {
      let key: string;
      if (i < this.previous.length) key = this.previous[i].key;
      else {
        key = m.row.key;
        for (let n = 2; taken.has(key); n++) key = `${m.row.key}#${n}`;
        taken.add(key);
      }
      const change: RowChange = m.state === 'gone' ? (running ? 'pending' : 'gone') : first ? 'first' : m.state;
      const row: DiscoveryRow = { key, ip: m.row.ip, port: m.row.port, node: m.row.node, change, match: { state: 'none', names: [] } };
      if (m.movedFrom) row.movedFrom = m.movedFrom;
      // An open port of a running rescan, still being identified at the row's old address: until
      // it is, the row keeps matching with what the last scan knew.
      if (m.row.node === null && m.state === 'kept' && i < this.previous.length) facts.set(row, this.previous[i].node);
      return row;
    });
    // Rows not seen yet (or not identified yet) by a running rescan keep counting with their old
    // facts, so the summary does not flicker to "missing" and back while the rescan runs.
    const factsOf = (r: DiscoveryRow) => (r.change === 'gone' ? null : (r.node ?? facts.get(r) ?? null));
    const counted = rows.filter((r) => factsOf(r) !== null);
    this.match = matchNodes(counted.map((r) => factsOf(r)!), this.inventory);
    for (const r of counted) r.match = rowMatch(factsOf(r)!, this.match, this.inventory);
    this.rows = rows;
    this.store.notify();
  }
}

/** The /24 around the first endpoint of the session (demo mode: the simulator's network). */
export function demoTargets(session: TalosSession | null): string {
  const endpoint = session?.info.endpoints[0];
  const m = endpoint ? /^(\d+\.\d+\.\d+)\.\d+(?::\d+)?$/.exec(endpoint) : null;
  return m ? `${m[1]}.0/24` : '';
}

