// Scan + identify, shared by the Discovery pane's source and the headless `discover` command.
// Identification starts as soon as the scan finds a port open (it does not wait for the sweep to
// end), at most `identifyConcurrency` at a time, so results appear while the sweep runs.
import { scanPorts, type ScanResult } from '../talos/portscan.js';
import type { IdentifiedNode } from '../talos/identify.js';
import { identifyQueue } from '../talos/identify-queue.js';
import type { TalosSession } from '../talos/session.js';
import { compareIp, probeCount, type TargetSet } from '../core/targets.js';

export const DEFAULT_PORT = 50000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 1000;
export const DEFAULT_IDENTIFY_CONCURRENCY = 16;

/** Identification of one port gets 3x the connect timeout, and never less than 3 s (TLS + 5 reads). */
export function identifyTimeoutFor(connectTimeoutMs: number): number {
  return Math.max(3000, 3 * connectTimeoutMs);
}

export interface ScanProgress {
  probed: number;
  total: number;
  /** Open ports so far. */
  found: number;
  elapsedMs: number;
  /** Hosts probed per second so far. */
  rate: number;
}

export interface DiscoverOptions {
  targets: TargetSet;
  port?: number;
  /** TCP connect timeout per host (default 1000 ms). */
  timeoutMs?: number;
  /** Connects in flight (default: the scanner's, up to 1024). */
  concurrency?: number;
  identifyConcurrency?: number;
  identifyTimeoutMs?: number;
  /** Lets configured nodes be identified over mutual TLS. */
  session?: TalosSession | null;
  signal?: AbortSignal;
  onProgress?: (progress: ScanProgress) => void;
  /** A port answered the TCP connect (identification follows). */
  onOpen?: (ip: string, port: number) => void;
  onIdentified?: (node: IdentifiedNode) => void;
}

export interface DiscoverResult {
  /** Hosts probed. */
  scanned: number;
  total: number;
  /** Scan and identification together. */
  elapsedMs: number;
  /** Every open port identified, by address. */
  nodes: IdentifiedNode[];
  cancelled: boolean;
  scan: ScanResult;
}

export function compareNodes(a: { ip: string; port: number }, b: { ip: string; port: number }): number {
  return compareIp(a.ip, b.ip) || a.port - b.port;
}

export async function discover(opts: DiscoverOptions): Promise<DiscoverResult> {
  const started = performance.now();
  const port = opts.port ?? DEFAULT_PORT;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const nodes: IdentifiedNode[] = [];
  const queue = identifyQueue({
    concurrency: opts.identifyConcurrency ?? DEFAULT_IDENTIFY_CONCURRENCY,
    timeoutMs: opts.identifyTimeoutMs ?? identifyTimeoutFor(timeoutMs),
    session: opts.session,
    signal: opts.signal,
    onResult: (node) => {
      nodes.push(node);
      opts.onIdentified?.(node);
    },
  });
  const total = probeCount(opts.targets, port);
  const scan = await scanPorts({
    targets: opts.targets,
    port,
    timeoutMs,
    concurrency: opts.concurrency,
    signal: opts.signal,
    onProgress: (probed, all, found, elapsedMs) =>
      opts.onProgress?.({ probed, total: all, found, elapsedMs, rate: elapsedMs > 0 ? Math.round((probed * 1000) / elapsedMs) : 0 }),
    onOpen: (ip, p) => {
      opts.onOpen?.(ip, p);
      queue.push(ip, p);
    },
  });
  await queue.idle();
  nodes.sort(compareNodes);
  return {
    scanned: scan.probed,
    total,
    elapsedMs: Math.round(performance.now() - started),
    nodes,
    cancelled: scan.cancelled || Boolean(opts.signal?.aborted),
    scan,
  };
}
