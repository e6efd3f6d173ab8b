// Logs, Dmesg and LogsContainers. Service logs go out as byte chunks that ignore line boundaries (like
// Talos's chunker reading its circular buffer); dmesg goes out one message per chunk. `follow` keeps
// streaming new lines at the cluster's pace, or as fast as the client reads in flood mode — each send is
// awaited, so a slow reader slows the producer instead of growing a queue.
import type { MachineService } from '../../talos/proto/gen/machine/machine_pb.js';
import { Code, RpcError } from '../../talos/status-codes.js';
import type { LogBuffer } from '../logs.js';
import { sleep, type SimHandlers } from './types.js';

const CHUNK_BYTES = 4096;
// Lines made and sent per flood round: 512 (was 64) so that the reader, not the producer's per-round
// overhead, is what a flood measures (~110k lines/s over TLS instead of ~60k).
const FLOOD_BATCH = 512;
const MAX_BACKLOG = 20_000;

type SendBytes = (bytes: Uint8Array) => Promise<void>;

async function sendChunked(text: string, send: SendBytes): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  for (let off = 0; off < bytes.length; off += CHUNK_BYTES) await send(bytes.subarray(off, off + CHUNK_BYTES));
}

/**
 * Stream a log: first the last `tail` lines (negative = everything kept), then, when following, the lines
 * produced from now on. `perLine` sends every line as its own message without newline (dmesg).
 */
export async function streamLog(
  buf: LogBuffer,
  opts: { tail: number; follow: boolean; perLine: boolean; signal: AbortSignal },
  send: SendBytes,
): Promise<void> {
  const emit = async (lines: string[]) => {
    if (lines.length === 0) return;
    if (opts.perLine) {
      for (const line of lines) {
        if (opts.signal.aborted) return;
        await send(Buffer.from(line, 'utf8'));
      }
    } else {
      await sendChunked(lines.join('\n') + '\n', send);
    }
  };

  const history = buf.tail(opts.tail);
  if (!opts.follow) return emit(history);
  // Subscribe right after the snapshot (same tick): no line is lost or sent twice.
  const queue: string[] = [];
  const unsubscribe = buf.subscribe((line) => {
    queue.push(line);
    // A reader far behind (another follower floods this log) loses the oldest lines, as a reader of
    // Talos's circular buffer would, instead of growing this queue without bound.
    if (queue.length > MAX_BACKLOG) queue.splice(0, queue.length - MAX_BACKLOG / 2);
  });
  try {
    await emit(history);
    while (!opts.signal.aborted) {
      const flood = !Number.isFinite(buf.rate);
      if (flood && queue.length === 0) buf.burst(FLOOD_BATCH);
      else buf.catchUp();
      if (queue.length > 0) {
        await emit(queue.splice(0, flood ? FLOOD_BATCH : queue.length));
      } else {
        await sleep(Math.min(1000, Math.max(20, 1000 / Math.max(buf.rate, 0.001))), opts.signal);
      }
    }
  } finally {
    unsubscribe();
  }
}

export const logHandlers: SimHandlers<typeof MachineService> = {
  async logs(req, { machine, signal }, send) {
    let buf: LogBuffer | undefined;
    // Talos serves its own services' logs for namespace "system" (and kubelet's in any namespace);
    // anything else is a container looked up through the CRI/containerd inspector.
    if (req.namespace === 'system' || req.id === 'kubelet') {
      buf = machine.serviceLog(req.id);
      if (!buf) throw new RpcError(Code.UNKNOWN, `log ${JSON.stringify(req.id)} was not registered`);
    } else {
      buf = machine.containerLog(req.id);
      if (!buf) throw new RpcError(Code.UNKNOWN, `container ${JSON.stringify(req.id)} not found`);
    }
    await streamLog(buf, { tail: req.tailLines, follow: req.follow, perLine: false, signal }, (bytes) => send({ bytes }));
  },

  async dmesg(req, { machine, signal }, send) {
    // `tail` starts reading at the end of the ring: only new messages (useful with follow).
    await streamLog(machine.dmesg(), { tail: req.tail ? 0 : -1, follow: req.follow, perLine: true, signal }, (bytes) => send({ bytes }));
  },

  async logsContainers(_req, { machine }) {
    // Talos answers with the ids of the logs it keeps itself (its services), not Kubernetes containers.
    return { messages: [{ ids: [...machine.services.keys()].sort() }] };
  },
};
