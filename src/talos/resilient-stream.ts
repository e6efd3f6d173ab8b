// Follow streams (logs -f, dmesg -f, COSI watch) that survive reboots and dropped connections:
// reopen with full-jitter exponential backoff and tell the consumer about the gap, so the UI can
// show "reconnecting..." and later "resumed after 4.2 s" instead of silently missing lines.
import { describeError, TalosError } from './errors.js';
import { Code } from './status-codes.js';

export type StreamEvent<T> =
  | { kind: 'data'; msg: T }
  /** The stream broke (or every reopen so far failed); `attempt` counts reopen attempts in this gap, from 1. */
  | { kind: 'gap'; startedAt: number; error: TalosError; attempt: number; retryInMs: number }
  /** The first message after a gap arrived. */
  | { kind: 'resumed'; gapMs: number };

export interface OpenContext {
  signal: AbortSignal;
  /** 0 for the first open, then the number of reopens so far (callers may ask for less history). */
  attempt: number;
}

export interface ResilientStreamOptions {
  /** Stops the stream: the iteration ends quietly, without an error. */
  signal?: AbortSignal;
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Decide whether a failure is worth reopening for; `null` means the server ended the stream. */
  shouldRetry?: (err: TalosError | null) => boolean;
  /** Give up after this many consecutive failed reopens (default: never). */
  maxAttempts?: number;
  random?: () => number;
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const STOP_CODES = new Set<number>([Code.PERMISSION_DENIED, Code.UNIMPLEMENTED, Code.INVALID_ARGUMENT, Code.UNAUTHENTICATED, Code.NOT_FOUND, Code.FAILED_PRECONDITION]);

/** Retry what a reboot or network blip causes; stop on what retrying cannot fix. */
export function defaultShouldRetry(err: TalosError | null): boolean {
  if (err === null) return true; // a follow stream the server ended: it went away
  return !STOP_CODES.has(err.code);
}

/** Full jitter: uniformly random in [0, min(cap, base * 2^(attempt-1))]. */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(random() * ceiling);
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export function resilientStream<T>(open: (ctx: OpenContext) => AsyncIterable<T>, opts: ResilientStreamOptions = {}): AsyncIterable<StreamEvent<T>> {
  const initialDelayMs = opts.initialDelayMs ?? 250;
  const maxDelayMs = opts.maxDelayMs ?? 10_000;
  const shouldRetry = opts.shouldRetry ?? defaultShouldRetry;
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? defaultSleep;
  const random = opts.random ?? Math.random;

  return {
    async *[Symbol.asyncIterator]() {
      // Our own controller so that sleeping stops when the consumer aborts.
      const stop = new AbortController();
      const onAbort = () => stop.abort();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      if (opts.signal?.aborted) stop.abort();
      let opens = 0;
      let failures = 0;
      let gapStartedAt: number | null = null;
      try {
        while (!stop.signal.aborted) {
          let failure: TalosError | null = null;
          try {
            for await (const msg of open({ signal: stop.signal, attempt: opens })) {
              if (gapStartedAt !== null) {
                yield { kind: 'resumed', gapMs: now() - gapStartedAt };
                gapStartedAt = null;
                if (stop.signal.aborted) return; // aborted by the consumer on seeing the resume
              }
              failures = 0;
              yield { kind: 'data', msg };
              if (stop.signal.aborted) return;
            }
          } catch (err) {
            if (stop.signal.aborted) return;
            failure = describeError(err);
          }
          if (stop.signal.aborted) return;
          opens++;
          if (!shouldRetry(failure)) {
            if (failure) throw failure;
            return; // a finite stream ended and the policy says that is final
          }
          failures++;
          if (opts.maxAttempts !== undefined && failures > opts.maxAttempts) {
            throw failure ?? new TalosError({ code: Code.UNAVAILABLE, message: 'the server kept ending the stream' });
          }
          gapStartedAt ??= now();
          const retryInMs = backoffDelay(failures, initialDelayMs, maxDelayMs, random);
          const error = failure ?? new TalosError({ code: Code.UNAVAILABLE, message: 'the server ended the stream' });
          yield { kind: 'gap', startedAt: gapStartedAt, error, attempt: failures, retryInMs };
          await sleep(retryInMs, stop.signal);
        }
      } finally {
        opts.signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}
