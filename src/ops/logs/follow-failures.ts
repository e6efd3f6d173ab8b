// How a followed log's errors are judged (follow.ts): which ones are worth a reconnect, which mean
// the node itself is gone, and which end the follow as a refusal the operator must act on.
import { Code, defaultShouldRetry, describeError, type TalosError } from '../../talos/index.js';
import type { FollowEnd } from './follow.js';

// The node itself is gone (rebooting, powered off, network), as opposed to only the stream breaking.
const UNREACHABLE = /refused|unreachable|no route|cannot reach|nothing listens|EOF|No connection established|Failed to connect|ETIMEDOUT/i;

// What Talos says for a log id it does not have.
const UNKNOWN_LOG = /not registered|not found/i;

export function isUnreachable(err: TalosError): boolean {
  return err.code === Code.UNAVAILABLE && (UNREACHABLE.test(err.details) || UNREACHABLE.test(err.message));
}

/** Reopen after this error? `delivered`: the stream has shown lines before. */
export function shouldReopen(err: TalosError | null, delivered: boolean): boolean {
  // A certificate failure (the node's CA changed, our certificate expired or was refused) does not
  // heal by retrying, even after the stream worked: stop and say so. Authorization refusals
  // (PermissionDenied, Unauthenticated) stop in defaultShouldRetry.
  if (err && err.code === Code.UNAVAILABLE && /certificate/i.test(err.message)) return false;
  // Never worked: an unknown log will not appear by itself.
  if (err && !delivered && err.code === Code.UNKNOWN && UNKNOWN_LOG.test(err.details)) return false;
  return defaultShouldRetry(err);
}

export interface FailureContext {
  signal: AbortSignal;
  /** The target is a maintenance-mode (insecure) connection. */
  insecure: boolean;
  node: string;
  /** What was being followed, for the sentence: "kernel messages (dmesg)", "logs of kubelet". */
  what: string;
}

/** How the follow ends after an error that was not (or no longer) retried. */
export function followFailure(err: unknown, c: FailureContext): FollowEnd {
  if (c.signal.aborted) return { kind: 'aborted' };
  const e = describeError(err);
  const refusal = e.code === Code.PERMISSION_DENIED || e.code === Code.UNIMPLEMENTED;
  const maintenance = refusal && (c.insecure || /maintenance/i.test(e.details) || /maintenance/i.test(e.message));
  if (maintenance) {
    return {
      kind: 'refused',
      maintenance: true,
      message: `${c.node} is in maintenance mode and refuses ${c.what} over the insecure API (Talos before 1.13 serves no logs there); apply a machine config first, then follow them with the talosconfig`,
    };
  }
  if (refusal || (e.code === Code.UNKNOWN && UNKNOWN_LOG.test(e.details))) {
    return { kind: 'refused', maintenance: false, message: e.message };
  }
  return { kind: 'failed', message: e.message };
}
