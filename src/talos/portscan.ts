// TCP connect scan: which addresses accept a connection on the Talos API port.
//
// It lives in src/talos because it does I/O; it speaks no gRPC. Design notes, from measuring a
// /16 of refused connects on loopback with Node 20 on 2 cores:
// - Two connect engines. 'binding' drives libuv's TCP handle directly (Node's own tcp_wrap
//   binding, what net.Socket is built on) and skips the stream machinery a probe never uses:
//   ~40,000 connects/s and ~50 MB RSS, against ~25,000/s and ~90 MB for one net.Socket per probe.
//   It is an internal API, so it is feature-checked and 'net' (public API) is the fallback; both
//   behave the same and are tested the same.
// - Timeouts: all probes share one timeout and start in order, so their deadlines are already
//   sorted; a FIFO of in-flight probes checked by one interval timer replaces a timer per socket.
// - Progress is reported from that timer (throttled), never per host.
// - Concurrency is bounded (default up to 1024, below the open-file limit). On EMFILE, ENFILE,
//   EADDRNOTAVAIL or ENOBUFS the probe is retried later and the limit lowered instead of failing.
// - Refused, unreachable, reset and timed-out probes count as closed; other error codes are
//   counted in `errors` so, say, a firewall answering EPERM everywhere is visible.

import net from 'node:net';
import { readFileSync } from 'node:fs';
import { getSystemErrorName } from 'node:util';
import { compareIp, extraEndpoints, intToIp, type TargetSet } from '../core/targets.js';

export interface OpenEndpoint {
  readonly ip: string;
  readonly port: number;
}

export type ScanEngine = 'binding' | 'net';

export interface ScanOptions {
  readonly targets: TargetSet;
  /** Port for the target intervals; ip:port endpoints keep their own. */
  readonly port: number;
  /** Per-connect timeout; default 1000 ms. */
  readonly timeoutMs?: number;
  /** Most connects in flight; default defaultConcurrency(). */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  /** Throttled to every progressIntervalMs (default 100), plus once at the start and at the end. */
  readonly onProgress?: (probed: number, total: number, found: number, elapsedMs: number) => void;
  readonly progressIntervalMs?: number;
  /** Called once per open endpoint, as soon as it connects. */
  readonly onOpen?: (ip: string, port: number) => void;
  /** 'auto' (default) uses 'binding' when this Node has it, else 'net'. */
  readonly engine?: 'auto' | ScanEngine;
}

export interface ScanResult {
  /** Sorted by address, then port. */
  readonly open: OpenEndpoint[];
  readonly probed: number;
  readonly total: number;
  readonly elapsedMs: number;
  readonly cancelled: boolean;
  /** Probes that neither connected nor failed within timeoutMs. */
  readonly timedOut: number;
  /** Error codes other than refused/unreachable/reset/timeout, with counts. */
  readonly errors: Readonly<Record<string, number>>;
  /** The concurrency in effect at the end (lower than asked after EMFILE). */
  readonly concurrency: number;
  readonly engine: ScanEngine;
}

export class ScanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScanError';
  }
}

const CLOSED = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'ETIMEDOUT']);
/** Local resource shortages: retry the probe with fewer sockets in flight. */
const SHORTAGE = new Set(['EMFILE', 'ENFILE', 'EADDRNOTAVAIL', 'ENOBUFS']);
const MAX_CONCURRENCY = 1024;
/** Descriptors left for everything else in the process (gRPC channels, stdin, logs). */
const FD_RESERVE = 128;
/** With nothing in flight, how often and how long to wait for descriptors before giving up. */
const MAX_SHORTAGE_RETRIES = 20;
const SHORTAGE_RETRY_MS = 100;

/** Soft open-file limit from /proc (Linux), or null where that is not available. */
function openFileLimit(): number | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft && /^[0-9]+$/.test(soft) ? Number(soft) : null;
  } catch {
    return null;
  }
}

/** Up to 1024 connects in flight, fewer when the open-file limit is low (EMFILE still degrades). */
export function defaultConcurrency(): number {
  const limit = openFileLimit();
  return limit === null ? MAX_CONCURRENCY : Math.max(16, Math.min(MAX_CONCURRENCY, limit - FD_RESERVE));
}

// ---- connect engines -------------------------------------------------------------------

/** Outcome of one attempt: null when connected, else an error code such as ECONNREFUSED. */
type Done = (code: string | null) => void;
/** Starts a connect. Returns a function that closes the socket, or a code for a synchronous failure. */
type Connect = (ip: string, port: number, done: Done) => (() => void) | string;

const netConnect: Connect = (ip, port, done) => {
  const socket = new net.Socket();
  socket.on('error', (error: NodeJS.ErrnoException) => done(error.code ?? 'UNKNOWN'));
  socket.once('connect', () => done(null));
  socket.connect(port, ip); // an IP literal: no DNS lookup
  return () => socket.destroy();
};

interface TcpWrapBinding {
  TCP: new (type: number) => { connect(req: object, ip: string, port: number): number; close(): void };
  TCPConnectWrap: new () => { oncomplete: (status: number) => void };
  constants: { SOCKET: number };
}

/** Node's tcp_wrap binding when it has the expected shape, without triggering DEP0111 output. */
function loadTcpWrap(): TcpWrapBinding | null {
  // process.binding() warns (DEP0111) only under pending deprecation, which three things turn on:
  // the flag, the flag in NODE_OPTIONS, and NODE_PENDING_DEPRECATION=1 (Node reads its first char).
  const pending =
    process.execArgv.includes('--pending-deprecation') ||
    /--pending-deprecation/.test(process.env.NODE_OPTIONS ?? '') ||
    (process.env.NODE_PENDING_DEPRECATION ?? '').startsWith('1');
  if (pending && !process.noDeprecation) return null;
  try {
    const binding = (process as unknown as { binding(name: string): Partial<TcpWrapBinding> }).binding('tcp_wrap');
    const ok =
      typeof binding.TCP === 'function' && typeof binding.TCPConnectWrap === 'function' && typeof binding.constants?.SOCKET === 'number';
    return ok ? (binding as TcpWrapBinding) : null;
  } catch {
    return null;
  }
}

function bindingConnect(tcp: TcpWrapBinding): Connect {
  return (ip, port, done) => {
    const handle = new tcp.TCP(tcp.constants.SOCKET);
    const request = new tcp.TCPConnectWrap();
    // libuv reports the result as 0 or a negative errno (ECANCELED after close, ignored by then).
    request.oncomplete = (status) => done(status === 0 ? null : getSystemErrorName(status));
    const status = handle.connect(request, ip, port);
    if (status !== 0) {
      handle.close();
      return getSystemErrorName(status);
    }
    let closed = false;
    return () => {
      if (!closed) {
        closed = true;
        handle.close();
      }
    };
  };
}

let cachedBinding: Connect | null | undefined;

function engineFor(choice: ScanOptions['engine']): { name: ScanEngine; connect: Connect } {
  if (choice !== 'net') {
    if (cachedBinding === undefined) {
      const tcp = loadTcpWrap();
      cachedBinding = tcp ? bindingConnect(tcp) : null;
    }
    if (cachedBinding) return { name: 'binding', connect: cachedBinding };
    if (choice === 'binding') throw new ScanError('the binding scan engine is not available in this Node.js; use engine "net"');
  }
  return { name: 'net', connect: netConnect };
}

// ---- the scan --------------------------------------------------------------------------

interface Probe {
  readonly ip: number;
  readonly port: number;
  readonly deadline: number;
  /** Dropped when the probe finishes, so the FIFO never keeps dead sockets from the GC. */
  close: (() => void) | null;
  done: boolean;
}

function validate(options: ScanOptions): void {
  const { port, timeoutMs, concurrency } = options;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`port ${port} must be 1-65535`);
  if (timeoutMs !== undefined && !(timeoutMs > 0 && Number.isFinite(timeoutMs))) {
    throw new RangeError(`timeout ${timeoutMs} ms must be a positive number of milliseconds`);
  }
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new RangeError(`concurrency ${concurrency} must be a whole number of at least 1`);
  }
}

/**
 * Connect-scans the targets. Resolves, also when aborted (cancelled: true, with what was found);
 * rejects only on bad options, or when not even one socket can be opened for about two seconds.
 */
export function scanPorts(options: ScanOptions): Promise<ScanResult> {
  let engine: ReturnType<typeof engineFor>;
  try {
    validate(options);
    engine = engineFor(options.engine);
  } catch (error) {
    return Promise.reject(error); // one way to fail: the promise
  }
  const { targets, port, signal, onOpen, onProgress } = options;
  const timeoutMs = options.timeoutMs ?? 1000;
  const progressIntervalMs = options.progressIntervalMs ?? 100;
  const extras = extraEndpoints(targets, port);
  const total = targets.hostCount + extras.length;
  let limit = Math.max(1, Math.min(options.concurrency ?? defaultConcurrency(), total || 1));

  const started = performance.now();
  const open: OpenEndpoint[] = [];
  const errors: Record<string, number> = {};
  let probed = 0;
  let timedOut = 0;
  let inFlight = 0;

  // Cursor over the intervals, then the extra endpoints; retries (after a shortage) go first.
  const intervals = targets.intervals;
  let intervalIndex = 0;
  let nextIp = intervals.length > 0 ? intervals[0][0] : 0;
  let extraIndex = 0;
  const retries: Array<{ ip: number; port: number }> = [];

  // In-flight probes in launch order = deadline order. `head` skips finished ones lazily.
  let fifo: Probe[] = [];
  let head = 0;

  return new Promise<ScanResult>((resolve, reject) => {
    let settled = false;
    let pumping = false;
    let lastProgress = -Infinity;
    let retryTimer: NodeJS.Timeout | undefined;
    let shortageStreak = 0;

    const report = (now: number, force: boolean): void => {
      if (!onProgress || (!force && now - lastProgress < progressIntervalMs)) return;
      lastProgress = now;
      onProgress(probed, total, open.length, Math.round(now - started));
    };

    const finish = (probe: Probe): void => {
      probe.done = true;
      probe.close?.();
      probe.close = null;
      inFlight--;
    };

    const settle = (cancelled: boolean, failure?: Error): void => {
      if (settled) return;
      settled = true;
      clearInterval(ticker);
      clearTimeout(retryTimer);
      signal?.removeEventListener('abort', onAbort);
      for (let i = head; i < fifo.length; i++) if (!fifo[i].done) finish(fifo[i]);
      fifo = [];
      if (failure) {
        reject(failure);
        return;
      }
      const now = performance.now();
      report(now, true);
      open.sort((a, b) => compareIp(a.ip, b.ip) || a.port - b.port);
      const elapsedMs = Math.round(now - started);
      resolve({ open, probed, total, elapsedMs, cancelled, timedOut, errors, concurrency: limit, engine: engine.name });
    };

    /** Books one outcome; returns false when the probe must be retried later (shortage). */
    const record = (probe: Probe, code: string | null): boolean => {
      if (code !== null && SHORTAGE.has(code)) {
        retries.push({ ip: probe.ip, port: probe.port });
        if (inFlight > 0) {
          // Keep a margin under the level that failed; launching resumes as our sockets close.
          limit = Math.max(1, Math.min(limit, Math.floor(inFlight * 0.9)));
          return false;
        }
        // Nothing of ours holds descriptors or ports: give others (or TIME_WAIT) a moment.
        limit = 1;
        if (++shortageStreak > MAX_SHORTAGE_RETRIES) {
          settle(false, new ScanError(`cannot open a socket (${code}) even one at a time; raise the open-file limit (ulimit -n)`));
        } else {
          retryTimer = setTimeout(() => {
            retryTimer = undefined;
            pump();
          }, SHORTAGE_RETRY_MS);
        }
        return false;
      }
      shortageStreak = 0;
      probed++;
      if (code === null) {
        const ip = intToIp(probe.ip);
        open.push({ ip, port: probe.port });
        onOpen?.(ip, probe.port);
      } else if (!CLOSED.has(code)) {
        errors[code] = (errors[code] ?? 0) + 1;
      }
      return true;
    };

    const takeNext = (): { ip: number; port: number } | null => {
      const retry = retries.pop();
      if (retry) return retry;
      while (intervalIndex < intervals.length) {
        if (nextIp <= intervals[intervalIndex][1]) return { ip: nextIp++, port };
        intervalIndex++;
        if (intervalIndex < intervals.length) nextIp = intervals[intervalIndex][0];
      }
      return extraIndex < extras.length ? extras[extraIndex++] : null;
    };

    /** Starts one probe; false when it failed at once for lack of resources. */
    const launch = (ip: number, probePort: number, now: number): boolean => {
      const probe: Probe = { ip, port: probePort, deadline: now + timeoutMs, close: null, done: false };
      inFlight++;
      const close = engine.connect(intToIp(ip), probePort, (code) => {
        if (probe.done) return;
        finish(probe);
        if (record(probe, code)) pump();
      });
      if (typeof close === 'string') {
        probe.done = true;
        inFlight--;
        return record(probe, close);
      }
      probe.close = close;
      fifo.push(probe);
      return true;
    };

    function pump(): void {
      if (settled || pumping) return;
      if (signal?.aborted) {
        settle(true);
        return;
      }
      pumping = true; // onOpen may abort, and a synchronous failure must not recurse
      const now = performance.now();
      let exhausted = false;
      while (inFlight < limit && !settled) {
        const next = takeNext();
        if (next === null) {
          exhausted = true;
          break;
        }
        if (!launch(next.ip, next.port, now)) break;
      }
      pumping = false;
      if (exhausted && inFlight === 0) settle(false);
    }

    const tick = (): void => {
      const now = performance.now();
      while (head < fifo.length) {
        const probe = fifo[head];
        if (!probe.done) {
          if (probe.deadline > now) break;
          finish(probe);
          probed++;
          timedOut++;
        }
        head++;
      }
      // Drop the finished prefix now and then so the array does not grow with the scan.
      if (head > 4096 && head * 2 > fifo.length) {
        fifo = fifo.slice(head);
        head = 0;
      }
      report(now, false);
      pump();
    };

    function onAbort(): void {
      settle(true);
    }

    const ticker = setInterval(tick, Math.max(5, Math.min(50, timeoutMs / 20, progressIntervalMs)));
    signal?.addEventListener('abort', onAbort, { once: true });
    report(started, true);
    pump();
  });
}
