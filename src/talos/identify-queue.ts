// Many identifications at once (identify.ts does one): a bounded queue that discovery feeds while
// its scan is still finding open ports, and identifyAll for a fixed list.
import { setMaxListeners } from 'node:events';
import { identifyNode, type IdentifiedNode, type IdentifyOptions } from './identify.js';

export interface IdentifyQueueOptions extends IdentifyOptions {
  /** Identifications in flight at once. Default 16. */
  concurrency?: number;
  /** Called once per pushed endpoint, in completion order (not while aborted). */
  onResult: (node: IdentifiedNode) => void;
}

export interface IdentifyQueue {
  /** Queue an open port; it starts at once when fewer than `concurrency` are in flight. */
  push(ip: string, port: number): void;
  /** Resolves when everything pushed so far has been identified (or the signal aborted). */
  idle(): Promise<void>;
}

/** Bounded-concurrency identification that can start while the scan is still running. */
export function identifyQueue(opts: IdentifyQueueOptions): IdentifyQueue {
  const concurrency = Math.max(1, opts.concurrency ?? 16);
  // Every call in flight listens to the signal: 16 nodes x 5 reads is past Node's warning level of
  // 10, and the warning would print over the console's screen.
  if (opts.signal) setMaxListeners(0, opts.signal);
  const waiting: Array<{ ip: string; port: number }> = [];
  let running = 0;
  let idleWaiters: Array<() => void> = [];
  const settleIdle = () => {
    if (running > 0 || (waiting.length > 0 && !opts.signal?.aborted)) return;
    const w = idleWaiters;
    idleWaiters = [];
    for (const f of w) f();
  };
  const pump = () => {
    while (running < concurrency && waiting.length > 0 && !opts.signal?.aborted) {
      const next = waiting.shift()!;
      running++;
      // identifyNode never rejects (failures are described in its result), so nothing is lost here.
      void identifyNode(next.ip, next.port, opts)
        .then((node) => {
          if (!opts.signal?.aborted) opts.onResult(node);
        })
        .finally(() => {
          running--;
          pump();
          settleIdle();
        });
    }
    if (opts.signal?.aborted) waiting.length = 0;
  };
  opts.signal?.addEventListener('abort', () => {
    waiting.length = 0;
    settleIdle();
  }, { once: true });
  return {
    push(ip, port) {
      if (opts.signal?.aborted) return;
      waiting.push({ ip, port });
      pump();
    },
    idle() {
      return new Promise((resolve) => {
        idleWaiters.push(resolve);
        settleIdle();
      });
    },
  };
}

/** Identify a list of endpoints (at most `concurrency` at once); results in the input order. */
export async function identifyAll(
  endpoints: ReadonlyArray<{ ip: string; port: number }>,
  opts: IdentifyOptions & { concurrency?: number } = {},
): Promise<IdentifiedNode[]> {
  const results = new Map<string, IdentifiedNode>();
  const queue = identifyQueue({ ...opts, onResult: (n) => results.set(`${n.ip}:${n.port}`, n) });
  for (const e of endpoints) queue.push(e.ip, e.port);
  await queue.idle();
  return endpoints.map((e) => results.get(`${e.ip}:${e.port}`)).filter((n): n is IdentifiedNode => n !== undefined);
}
