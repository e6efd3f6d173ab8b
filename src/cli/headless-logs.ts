// The headless `logs` and `dmesg` commands: the same followers as the pane, printed as plain lines.
// stdout carries only log lines (prefixed "node: " when several nodes are given, as talosctl does);
// gaps, resumptions and per-node failures go to stderr so a pipe stays clean. Ctrl+C ends a follow
// cleanly (exit 0); a node that failed or refused makes the exit code 1.
import { setMaxListeners } from 'node:events';
import { hostOf, type NodeTarget } from '../talos/index.js';
import { EXACT_RING_HOLD, followLog, type FollowEnd } from '../ops/logs/follow.js';
import { selectorName, type LogSelector } from '../core/logs/selector.js';

export interface HeadlessLogsOptions {
  /** "logs" or "dmesg", for messages. */
  command: string;
  nodes: readonly string[];
  targetFor(node: string): NodeTarget;
  selector: LogSelector;
  tail: number;
  follow: boolean;
  insecure?: boolean;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  signal: AbortSignal;
  /** Backoff bounds (tests). */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Without follow: the longest silence from a node before it is reported (default: followLog's). */
  readIdleTimeoutMs?: number;
}

export async function runHeadlessLogs(o: HeadlessLogsOptions): Promise<number> {
  const prefixed = o.nodes.length > 1;
  // The reader went away (`| head`): stop quietly, like a Unix filter, instead of dying on EPIPE.
  const stop = new AbortController();
  // Every node's stream listens on this one signal (one listener each, removed when it ends): with
  // more than ten nodes Node would print a MaxListenersExceededWarning over the output.
  setMaxListeners(0, stop.signal);
  const onAbort = () => stop.abort();
  o.signal.addEventListener('abort', onAbort, { once: true });
  if (o.signal.aborted) stop.abort();
  let pipeClosed = false;
  const onError = (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') {
      pipeClosed = true;
      stop.abort();
    }
  };
  o.stdout.on('error', onError);
  // A full pipe pauses every follower until it drains.
  let drained: Promise<void> | null = null;
  const write = (text: string) => {
    if (pipeClosed) return;
    if (!o.stdout.write(text) && !drained) {
      drained = new Promise<void>((resolve) => {
        const done = () => {
          drained = null;
          o.stdout.off('drain', done);
          stop.signal.removeEventListener('abort', done);
          resolve();
        };
        o.stdout.on('drain', done);
        stop.signal.addEventListener('abort', done, { once: true });
      });
    }
  };
  const say = (text: string) => o.stderr.write(`talos-tui ${o.command}: ${text}\n`);
  const name = selectorName(o.selector);
  const ends = await Promise.all(
    o.nodes.map(async (node): Promise<FollowEnd> => {
      let target: NodeTarget;
      try {
        target = o.targetFor(node);
      } catch (err) {
        return { kind: 'failed', message: err instanceof Error ? err.message : String(err) };
      }
      const prefix = prefixed ? `${node}: ` : '';
      // Each new reason is reported once: a gap that changes cause (refused, then a TLS failure) is not silent.
      let lastReason = '';
      return followLog(
        {
          target,
          selector: o.selector,
          tail: o.tail,
          follow: o.follow,
          signal: stop.signal,
          insecure: o.insecure,
          initialDelayMs: o.initialDelayMs,
          maxDelayMs: o.maxDelayMs,
          readIdleTimeoutMs: o.readIdleTimeoutMs,
          ringHold: EXACT_RING_HOLD,
        },
        {
          // One write per batch, not per line: a flooding node prints at full speed.
          lines: (lines) => write(prefix === '' ? lines.join('\n') + '\n' : prefix + lines.join(`\n${prefix}`) + '\n'),
          backpressure: () => drained,
          // Past what the endpoint connections carry (src/talos/call-slots.ts): said, not a silent stall.
          queued: (waiting) => {
            if (waiting) say(`${node} ${name}: queued: every call on the endpoint's connections is taken; it starts when one ends`);
          },
          gap: (g) => {
            if (g.attempt !== 1 && g.reason === lastReason) return;
            const first = g.attempt === 1;
            lastReason = g.reason;
            if (g.afterData && first) say(`--- ${node} ${name}: stream lost: ${g.reason}; reconnecting ---`);
            else say(`${node} ${name}: ${g.reason}; ${first ? 'retrying' : `still retrying (attempt ${g.attempt})`}`);
          },
          resumed: (r) => {
            lastReason = '';
            const how =
              r.outcome === 'complete' ? 'no lines were missed' : r.outcome === 'restarted' ? 'the log started over (the node rebooted?)' : 'lines written during the gap may be missing';
            say(`--- ${node} ${name}: resumed after ${(r.gapMs / 1000).toFixed(1)} s: ${how} ---`);
          },
        },
      );
    }),
  );
  o.signal.removeEventListener('abort', onAbort);
  o.stdout.off('error', onError);
  if (pipeClosed) return 0;
  let failed = false;
  ends.forEach((end, i) => {
    if (end.kind === 'refused' || end.kind === 'failed') {
      failed = true;
      // The message names the node already when it came from the node; say which one otherwise.
      const node = o.nodes[i]!;
      say(end.message.includes(hostOf(node)) ? end.message : `${node}: ${end.message}`);
    }
  });
  return failed ? 1 : 0;
}

/** Runs `body` with an AbortSignal that Ctrl+C (SIGINT) fires; the handler is removed afterwards. */
export async function untilInterrupted<T>(body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.on('SIGINT', onSigint);
  try {
    return await body(ac.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
