// The Status pane's node summary source (the dashboard's per-node header): Version, MachineStatus
// (stage, ready), MachineType, LoadAvg, Memory and SystemStat per node, polled outside React by the
// pane's PollScheduler (every node on its own turn; the rows on screen every interval, the rest less
// often; nothing at all while the summary is not on screen), each node on its own: a node that is
// down keeps its last figures, marked stale with the error, and never holds the others back; a node
// whose previous round is still in flight is skipped. React sees frozen snapshots through a
// ThrottledStore.
import { setMaxListeners } from 'node:events';
import { cpuBusy, memoryUsed, type CpuTimes } from '../../core/node-figures.js';
import { ThrottledStore } from '../../core/throttled-store.js';
import { cosi, machine, type TalosSession } from '../../talos/index.js';
import { errorText } from './source.js';
import { PollScheduler } from './poll-scheduler.js';

export interface NodeFigures {
  version?: string;
  stage?: string;
  ready?: boolean;
  /** Why the node is not ready (MachineStatus unmet conditions), joined. */
  unmet?: string;
  machineType?: string;
  load?: [number, number, number];
  memory?: { used: number; total: number };
  /** 0..1 between the last two samples; undefined until two samples were taken. */
  cpu?: number;
  bootTime?: number;
}

export interface NodeInfo extends NodeFigures {
  node: string;
  /** Time of the last complete answer. */
  at?: number;
  /** The last round failed (figures, if any, are from `at`). */
  error?: string;
  loading: boolean;
}

export interface NodeInfoSnapshot {
  nodes: readonly NodeInfo[];
  now: number;
}

interface Rec {
  figures: NodeFigures;
  at?: number;
  error?: string;
  inFlight: boolean;
  cpuSample?: CpuTimes;
  cpuSampleAt?: number;
  /** The row as the last snapshot had it: made again only after an answer (500 nodes, 4 snapshots a second). */
  shown?: NodeInfo;
}

export interface NodeInfoOptions {
  /** How often a node on screen is asked (the others BACKGROUND_EVERY times less often). */
  intervalMs?: number;
  callDeadlineMs?: number;
  now?: () => number;
}

/** Rows not on screen are asked this many times less often. */
const BACKGROUND_EVERY = 6;
/** Node rounds (six calls each) started per second at most, and of rows not on screen. */
const MAX_ROUNDS_PER_SECOND = 25;
const MAX_BACKGROUND_ROUNDS_PER_SECOND = 10;
/**
 * CPU use is the difference of two samples: one older than this (the view was closed a while) says
 * little about now, so the figure waits for a second sample taken SECOND_SAMPLE_MS later.
 */
const CPU_SAMPLE_MAX_AGE_MS = 60_000;
const SECOND_SAMPLE_MS = 1_000;

export class NodeInfoSource {
  readonly store: ThrottledStore<NodeInfoSnapshot>;
  private readonly recs = new Map<string, Rec>();
  private nodes: string[] = [];
  private readonly abort = new AbortController();
  private readonly polls: PollScheduler;
  private readonly deadlineMs: number;
  private readonly now: () => number;
  /** Nodes with one fresh CPU sample, asked again together shortly for the second. */
  private readonly secondSample = new Set<string>();
  private secondSampleTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly session: TalosSession,
    opts: NodeInfoOptions = {},
  ) {
    this.deadlineMs = opts.callDeadlineMs ?? 8000;
    this.now = opts.now ?? Date.now;
    setMaxListeners(0, this.abort.signal);
    this.store = new ThrottledStore(() => this.read(), { maxPerSecond: 4 });
    this.polls = new PollScheduler({
      periodMs: opts.intervalMs ?? 5000,
      backgroundEvery: BACKGROUND_EVERY,
      maxPerSecond: MAX_ROUNDS_PER_SECOND,
      maxBackgroundPerSecond: MAX_BACKGROUND_ROUNDS_PER_SECOND,
      now: this.now,
      poll: (n) => this.poll(n),
    });
  }

  setNodes(nodes: readonly string[]): void {
    this.nodes = [...nodes];
    this.store.notify();
    this.polls.setNodes(this.nodes);
  }

  /** The rows on screen: asked every interval, the others less often. */
  setFocus(nodes: readonly string[]): void {
    this.polls.setFocus(nodes);
  }

  /** Not on screen (another view, or the pane hidden): nothing is polled; the figures stay for when it comes back. */
  setActive(active: boolean): void {
    this.polls.setSlow(active ? 1 : 0);
  }

  refresh(): void {
    this.polls.pollNow();
  }

  dispose(): void {
    this.polls.stop();
    if (this.secondSampleTimer !== null) clearTimeout(this.secondSampleTimer);
    this.abort.abort();
    this.store.dispose();
  }

  private rec(node: string): Rec {
    let r = this.recs.get(node);
    if (!r) this.recs.set(node, (r = { figures: {}, inFlight: false }));
    return r;
  }

  private async poll(node: string): Promise<void> {
    const r = this.rec(node);
    if (r.inFlight || this.abort.signal.aborted) return;
    r.inFlight = true;
    const opts = { deadlineMs: this.deadlineMs, signal: this.abort.signal };
    const t = this.session.target(node);
    // Each call on its own: an older node without one of them still shows the rest.
    const [version, status, type, load, mem, stat] = await Promise.allSettled([
      machine.version(t, opts),
      cosi.machineStatus(t, opts),
      cosi.machineType(t, opts),
      machine.loadAvg(t, opts),
      machine.memory(t, opts),
      machine.systemStat(t, opts),
    ]);
    r.inFlight = false;
    if (this.abort.signal.aborted) return;
    const f: NodeFigures = { ...r.figures };
    if (version.status === 'fulfilled') f.version = version.value.version?.tag;
    if (status.status === 'fulfilled') {
      f.stage = status.value.stage;
      f.ready = status.value.ready;
      f.unmet = status.value.unmetConditions.map((c) => (c.reason ? `${c.name}: ${c.reason}` : c.name)).join('; ') || undefined;
    }
    if (type.status === 'fulfilled') f.machineType = type.value;
    if (load.status === 'fulfilled') f.load = [load.value.load1, load.value.load5, load.value.load15];
    if (mem.status === 'fulfilled' && mem.value) f.memory = { total: Number(mem.value.memtotal), used: memoryUsed(Number(mem.value.memtotal), Number(mem.value.memavailable)) };
    if (stat.status === 'fulfilled') {
      const c = stat.value.cpuTotal;
      if (c) {
        const sample: CpuTimes = { user: c.user, nice: c.nice, system: c.system, idle: c.idle, iowait: c.iowait, irq: c.irq, softIrq: c.softIrq, steal: c.steal };
        const now = this.now();
        const fresh = r.cpuSampleAt !== undefined && now - r.cpuSampleAt <= CPU_SAMPLE_MAX_AGE_MS;
        f.cpu = fresh ? (cpuBusy(r.cpuSample, sample) ?? f.cpu) : undefined;
        r.cpuSample = sample;
        r.cpuSampleAt = now;
        if (!fresh) this.sampleAgainSoon(node);
      }
      f.bootTime = Number(stat.value.bootTime) * 1000;
    }
    const results = [version, status, type, load, mem, stat];
    const failed = results.find((x): x is PromiseRejectedResult => x.status === 'rejected');
    // Down: every call failed. Some calls failing (an older Talos) is not "down".
    if (failed && results.every((x) => x.status === 'rejected')) r.error = errorText(failed.reason);
    else {
      r.error = undefined;
      r.at = this.now();
    }
    r.figures = f;
    r.shown = undefined;
    this.store.notify();
  }

  /** The second CPU sample of a node (just opened, or back after a long while) comes soon, not a period later. */
  private sampleAgainSoon(node: string): void {
    this.secondSample.add(node);
    if (this.secondSampleTimer !== null || this.abort.signal.aborted) return;
    this.secondSampleTimer = setTimeout(() => {
      this.secondSampleTimer = null;
      const nodes = [...this.secondSample];
      this.secondSample.clear();
      this.polls.pollNow(nodes);
    }, SECOND_SAMPLE_MS);
    (this.secondSampleTimer as { unref?: () => void }).unref?.();
  }

  private read(): NodeInfoSnapshot {
    return Object.freeze({
      now: this.now(),
      nodes: this.nodes.map((node) => {
        const r = this.recs.get(node);
        if (r?.shown) return r.shown;
        const info: NodeInfo = Object.freeze({ node, ...(r?.figures ?? {}), at: r?.at, error: r?.error, loading: !r || (r.at === undefined && r.error === undefined) });
        if (r) r.shown = info;
        return info;
      }),
    });
  }
}
