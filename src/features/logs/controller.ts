// Everything the Logs pane holds outside React: the LogModel (buffer, filter, scroll), the streams
// feeding it, and the ThrottledStore that hands React a frozen snapshot. Model changes arrive as
// fast as lines do; React sees at most 14 snapshots a second whatever the line rate (see below).
import { LogModel, type LogModelOptions, type LogViewSnapshot } from '../../core/logs/log-model.js';
import { ThrottledStore } from '../../core/throttled-store.js';
import { LogStreams, type LogStreamsOptions, type StreamInfo } from './source.js';

/** Repaints per second at most: the bound. */
export const LOGS_MAX_REPAINTS_PER_SECOND = 15;
/**
 * Publications per second. One below the bound on purpose: at 15/s fifteen intervals span only
 * 1005 ms, so a frame drawn a few milliseconds late (render time varies, GC) lets a 16th frame into
 * some one-second window. At 14/s (72 ms apart) frames stay within 15 per second with 80 ms of slack.
 */
export const LOGS_PUBLICATIONS_PER_SECOND = LOGS_MAX_REPAINTS_PER_SECOND - 1;
/** Lines asked for when a stream first opens (the `n` key changes it). */
export const DEFAULT_TAIL = 100;

export interface LogsSnapshot {
  view: LogViewSnapshot;
  streams: StreamInfo[];
}

export interface LogsControllerOptions extends LogStreamsOptions {
  model?: LogModelOptions;
  maxPerSecond?: number;
}

export class LogsController {
  readonly model: LogModel;
  readonly streams: LogStreams;
  readonly store: ThrottledStore<LogsSnapshot>;
  /** The connection to a node, for the source picker's ServiceList calls. */
  readonly targetFor: LogStreamsOptions['targetFor'];
  private readonly unsubscribe: (() => void)[];

  constructor(opts: LogsControllerOptions) {
    this.targetFor = opts.targetFor;
    this.model = new LogModel({ tailLines: DEFAULT_TAIL, ...opts.model });
    this.streams = new LogStreams(this.model, opts);
    this.store = new ThrottledStore(() => ({ view: this.model.snapshot(), streams: this.streams.list() }), {
      maxPerSecond: opts.maxPerSecond ?? LOGS_PUBLICATIONS_PER_SECOND,
    });
    this.unsubscribe = [this.model.subscribe(this.store.notify), this.streams.subscribe(this.store.notify)];
  }

  /** Rows and columns of the log view itself (the pane minus its status lines). */
  setViewport(height: number, width: number): void {
    if (this.model.setViewport(height, width)) this.store.notify();
  }

  dispose(): void {
    for (const u of this.unsubscribe) u();
    this.streams.dispose();
    this.store.dispose();
  }
}
