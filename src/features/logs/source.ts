// The Logs pane's data source, outside React: one follower (follow.ts) per (node, log) feeding the
// shared LogModel, and the state of each stream for the status line. The model is the only thing the
// UI reads; this class only writes into it (lines, gap markers, notes, source status).
import type { LogModel, SourceStatus } from '../../core/logs/log-model.js';
import type { LogFormat } from '../../core/logs/dmesg.js';
import type { NodeTarget } from '../../talos/index.js';
import { followLog, type FollowEnd, type GapInfo, type ResumeInfo } from '../../ops/logs/follow.js';
import { selectorLabel, selectorName, type LogSelector } from '../../core/logs/selector.js';

/** What the status line says about one stream. */
export type StreamState = 'connecting' | 'queued' | 'live' | 'gap' | 'rebooting' | 'denied' | 'failed' | 'ended';

export interface StreamSpec {
  node: string;
  selector: LogSelector;
  /** A maintenance-mode node, reached over the insecure API. */
  insecure?: boolean;
}

export interface StreamInfo {
  id: string;
  node: string;
  /** Short name of the log (dmesg, kubelet, a container's name). */
  label: string;
  state: StreamState;
  /** Why, for gap/rebooting/denied/failed. */
  detail: string;
}

export interface LogStreamsOptions {
  /** The connection to one node (insecure for maintenance nodes). */
  targetFor(node: string, insecure: boolean): NodeTarget;
  /** Backoff and resync knobs, for tests. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  resyncWindowMs?: number;
  resumeTail?: number;
}

interface Running extends StreamInfo {
  spec: StreamSpec;
  abort: AbortController;
}

const FORMAT: Record<LogSelector['kind'], LogFormat> = { dmesg: 'dmesg', service: 'service', container: 'cri' };

/** The model's coarser status for each of ours. */
const MODEL_STATUS: Record<StreamState, SourceStatus> = {
  connecting: 'connecting',
  queued: 'connecting',
  live: 'streaming',
  gap: 'reconnecting',
  rebooting: 'reconnecting',
  denied: 'failed',
  failed: 'failed',
  ended: 'ended',
};

export function streamId(spec: StreamSpec): string {
  return `${spec.node}/${spec.selector.kind === 'container' ? 'k8s:' : ''}${selectorName(spec.selector)}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export class LogStreams {
  private readonly running = new Map<string, Running>();
  private readonly listeners = new Set<() => void>();
  private disposed = false;

  constructor(
    private readonly model: LogModel,
    private readonly opts: LogStreamsOptions,
  ) {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }

  /** Current streams in the order they were opened (a fresh array each call). */
  list(): StreamInfo[] {
    return [...this.running.values()].map(({ id, node, label, state, detail }) => ({ id, node, label, state, detail }));
  }

  get size(): number {
    return this.running.size;
  }

  /** Starts following one log of one node (again, when it was open: its lines are kept). */
  open(spec: StreamSpec): string {
    const id = streamId(spec);
    this.stop(id);
    if (this.disposed) return id;
    const label = selectorLabel(spec.selector);
    this.model.addSource({ id, node: spec.node, label, format: FORMAT[spec.selector.kind] });
    const run: Running = { id, node: spec.node, label, state: 'connecting', detail: '', spec, abort: new AbortController() };
    this.running.set(id, run);
    this.setState(run, 'connecting', '');
    void this.follow(run);
    return id;
  }

  /** Replaces the open streams with these (lines of streams kept open stay). */
  openOnly(specs: readonly StreamSpec[]): void {
    const wanted = new Set(specs.map(streamId));
    for (const id of [...this.running.keys()]) if (!wanted.has(id)) this.close(id);
    for (const spec of specs) if (!this.running.has(streamId(spec))) this.open(spec);
  }

  /** Stops a stream and drops its lines. */
  close(id: string): void {
    this.stop(id);
    this.running.delete(id);
    this.model.removeSource(id);
    this.changed();
  }

  /** Every stream again from scratch with the model's current tail (after "tail N" changed). */
  restartAll(): void {
    const specs = [...this.running.values()].map((r) => r.spec);
    for (const r of this.running.values()) r.abort.abort();
    this.running.clear();
    this.model.clear();
    for (const spec of specs) this.open(spec);
  }

  dispose(): void {
    this.disposed = true;
    for (const r of this.running.values()) r.abort.abort();
    this.running.clear();
    this.listeners.clear();
  }

  private stop(id: string): void {
    this.running.get(id)?.abort.abort();
  }

  private current(run: Running): boolean {
    return !run.abort.signal.aborted && this.running.get(run.id) === run;
  }

  private setState(run: Running, state: StreamState, detail: string): void {
    run.state = state;
    run.detail = detail;
    this.model.setSourceStatus(run.id, MODEL_STATUS[state], detail || undefined);
    this.changed();
  }

  private async follow(run: Running): Promise<void> {
    const { spec } = run;
    let target: NodeTarget;
    try {
      target = this.opts.targetFor(spec.node, spec.insecure === true);
    } catch (err) {
      this.ended(run, { kind: 'failed', message: err instanceof Error ? err.message : String(err) });
      return;
    }
    const name = `${run.label} on ${spec.node}`;
    const end = await followLog(
      {
        target,
        selector: spec.selector,
        tail: this.model.tailLines,
        follow: true,
        signal: run.abort.signal,
        insecure: spec.insecure,
        initialDelayMs: this.opts.initialDelayMs,
        maxDelayMs: this.opts.maxDelayMs,
        resyncWindowMs: this.opts.resyncWindowMs,
        resumeTail: this.opts.resumeTail,
      },
      {
        lines: (lines) => {
          if (this.current(run)) this.model.pushLines(run.id, lines);
        },
        live: () => {
          if (this.current(run)) this.setState(run, 'live', '');
        },
        // Every call slot of the endpoint's connections is taken: said, rather than a silent stall.
        queued: (waiting) => {
          if (this.current(run)) this.setState(run, waiting ? 'queued' : 'connecting', waiting ? 'waiting for a free call on the endpoint connections' : '');
        },
        gap: (g: GapInfo) => {
          if (!this.current(run)) return;
          if (g.afterData && g.attempt === 1) this.model.markGap(run.id, g.reason);
          const state: StreamState = !g.afterData ? 'connecting' : g.unreachable ? 'rebooting' : 'gap';
          const retry = `retry in ${seconds(g.retryInMs)}`;
          this.setState(run, state, g.unreachable ? `node unreachable (${g.reason}); ${retry}` : `${g.reason}; ${retry}`);
        },
        resumed: (r: ResumeInfo) => {
          if (!this.current(run)) return;
          const how =
            r.outcome === 'complete'
              ? 'no lines were missed'
              : r.outcome === 'restarted'
                ? 'the log started over (the node rebooted?)'
                : 'lines written during the gap may be missing';
          this.model.pushInfo(`--- ${name} resumed after ${seconds(r.gapMs)}: ${how} ---`, run.id);
        },
      },
    );
    this.ended(run, end);
  }

  private ended(run: Running, end: FollowEnd): void {
    if (!this.current(run)) return;
    switch (end.kind) {
      case 'aborted':
        return;
      case 'ended':
        this.model.endSource(run.id, 'the node ended the stream');
        run.state = 'ended';
        this.changed();
        return;
      case 'refused':
        this.model.pushInfo(end.message, run.id);
        this.setState(run, 'denied', end.message);
        return;
      case 'failed':
        this.model.pushInfo(`${run.label} on ${run.node}: ${end.message}`, run.id);
        this.setState(run, 'failed', end.message);
        return;
    }
  }
}
