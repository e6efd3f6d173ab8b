// Everything the Logs pane holds outside React: the LogModel (buffer, filter, scroll), the streams
// feeding it, and the ThrottledStore that hands React a frozen snapshot. Model changes arrive as
// fast as lines do; React sees at most 14 snapshots a second whatever the line rate (see below).
import { LogModel, sameRow, type LogModelOptions, type LogViewSnapshot } from '../../core/logs/log-model.js';
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
/**
 * Repaints per second for lines arriving (keys still answer within one 1/14 s interval). Each repaint
 * is a whole Ink frame (layout and every cell of the screen), so arrivals are batched on this ticker,
 * as the Talos dashboard repaints on a ticker: 200 ms still reads as live, at a third of the frames.
 */
export const LOGS_ARRIVAL_REPAINTS_PER_SECOND = 5;
/** Lines asked for when a stream first opens (the `n` key changes it). */
export const DEFAULT_TAIL = 100;

export interface LogsSnapshot {
  view: LogViewSnapshot;
  streams: StreamInfo[];
}

export interface LogsControllerOptions extends LogStreamsOptions {
  model?: LogModelOptions;
  maxPerSecond?: number;
  /** Repaints per second for arriving lines (default LOGS_ARRIVAL_REPAINTS_PER_SECOND). */
  arrivalsPerSecond?: number;
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
      lazyPerSecond: opts.arrivalsPerSecond ?? LOGS_ARRIVAL_REPAINTS_PER_SECOND,
      same: sameOnScreen,
    });
    this.unsubscribe = [
      this.model.subscribe((change) => (change === 'arrival' ? this.store.notifyLazily() : this.store.notify())),
      // Stream states change as streams connect and break: arrivals too (opening one is a model 'view' change).
      this.streams.subscribe(this.store.notifyLazily),
    ];
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

/**
 * Nothing the pane draws differs: lines arrived for a filter that hides them, or above a view
 * scrolled back with the buffer full. Then no snapshot is published and React does not re-render.
 * (view.sources, evicted and version are not drawn.)
 */
function sameOnScreen(a: LogsSnapshot, b: LogsSnapshot): boolean {
  const x = a.view;
  const y = b.view;
  return (
    x.rows.length === y.rows.length &&
    x.rows.every((r, i) => sameRow(r, y.rows[i]!)) &&
    x.following === y.following &&
    x.newLines === y.newLines &&
    x.wrap === y.wrap &&
    x.timestamps === y.timestamps &&
    x.filter.text === y.filter.text &&
    x.filter.regex === y.filter.regex &&
    x.filter.invert === y.filter.invert &&
    x.filter.caseSensitive === y.filter.caseSensitive &&
    x.filterDescription === y.filterDescription &&
    x.filterError === y.filterError &&
    x.tailLines === y.tailLines &&
    x.buffered === y.buffered &&
    x.shown === y.shown &&
    x.atTop === y.atTop &&
    a.streams.length === b.streams.length &&
    a.streams.every((s, i) => s.id === b.streams[i]!.id && s.state === b.streams[i]!.state && s.detail === b.streams[i]!.detail)
  );
}
