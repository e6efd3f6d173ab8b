// Following a node through the reboot after an apply: it goes away from the address it was applied
// at, reboots, and comes back answering Version over mutual TLS at its new address (the static
// address of its config, or the old one). No React: the pane passes probes and gets phases.
import net from 'node:net';
import { hostPart } from './apply-inputs.js';

export type FollowPhase = 'going' | 'rebooting' | 'up' | 'timeout' | 'stopped';

export interface FollowOptions {
  /** Where the config was applied (ip or ip:port). */
  from: string;
  /** Where it should answer over mTLS afterwards (ip). */
  to: string;
  /** Resolves with the Talos version when `to` answers over mutual TLS; rejects otherwise. */
  answers(signal: AbortSignal): Promise<string>;
  /** True while `from` accepts connections (default: a TCP connect to its port). */
  reachable?(signal: AbortSignal): Promise<boolean>;
  timeoutMs: number;
  intervalMs?: number;
  /** How often a still-waiting follow says what it tries and the last error (default 5 s). */
  reportEveryMs?: number;
  signal: AbortSignal;
  onPhase(phase: FollowPhase, detail: string): void;
}

/** Does host:port accept a TCP connection within timeoutMs? */
export function tcpReachable(address: string, timeoutMs = 1000): Promise<boolean> {
  const m = /^(?:\[(.+)\]|([^:]+)):(\d+)$/.exec(address);
  const host = m ? (m[1] ?? m[2]!) : hostPart(address);
  const port = m ? Number(m[3]) : 50000;
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      s.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/** Poll until the node has gone away from `from` and then answers at `to`, the timeout, or abort. */
export async function followReboot(o: FollowOptions): Promise<FollowPhase> {
  const started = Date.now();
  const interval = o.intervalMs ?? 1000;
  const reachable = o.reachable ?? ((_s: AbortSignal) => tcpReachable(o.from, Math.min(1000, interval * 4)));
  const moved = hostPart(o.from) !== o.to;
  let gone = false;
  let lastError = '';
  let lastReport = started;
  const reportEvery = o.reportEveryMs ?? 5000;
  o.onPhase('going', `waiting for ${o.from} to go away`);
  // Something already answering at a new address is not this node (it has not rebooted yet): say
  // so, and keep waiting for the node itself to go away before believing an answer there.
  if (moved) {
    try {
      await o.answers(o.signal);
      if (!o.signal.aborted) o.onPhase('going', `warning: ${o.to} already answers before ${o.from} rebooted: another machine may hold that address`);
    } catch {
      // expected: nothing there yet
    }
  }
  while (!o.signal.aborted) {
    if (Date.now() - started > o.timeoutMs) {
      const tried = gone ? `asked ${o.to} for its version over mTLS every ${secs(interval)}` : `${o.from} never went away (it did not reboot)`;
      o.onPhase('timeout', `${o.to} did not answer over mTLS within ${Math.round(o.timeoutMs / 1000)}s: ${tried}${lastError ? `; last error: ${lastError}` : ''}`);
      return 'timeout';
    }
    // Never wait silently: say what is tried and the last error now and then.
    if (Date.now() - lastReport >= reportEvery) {
      lastReport = Date.now();
      const what = gone ? `asking ${o.to} over mTLS` : `waiting for ${o.from} to go away`;
      o.onPhase(gone ? 'rebooting' : 'going', `still ${what} after ${secs(Date.now() - started)}${lastError ? `; last error: ${lastError}` : ''}`);
    }
    if (!gone && !(await reachable(o.signal))) {
      gone = true;
      o.onPhase('rebooting', `${o.from} went away after ${secs(Date.now() - started)}: rebooting`);
    }
    if (o.signal.aborted) break;
    if (gone) {
      try {
        const version = await o.answers(o.signal);
        o.onPhase('up', `${o.to} answers over mTLS${version ? ` (Talos ${version})` : ''} after ${secs(Date.now() - started)}`);
        return 'up';
      } catch (err) {
        lastError = (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ');
      }
    }
    await sleep(interval, o.signal);
  }
  o.onPhase('stopped', `stopped following ${o.to} after ${secs(Date.now() - started)} (the node carries on)`);
  return 'stopped';
}

export function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
