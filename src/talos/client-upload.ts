// Feeding a client-streaming call (EtcdRecover) from an async iterable with back-pressure: the next
// message is produced only once grpc-js has taken the previous one (write() true, or 'drain'), so a
// multi-GiB snapshot is read from disk as fast as the node accepts it and never piles up in memory.
// The idle timer fires when the node takes nothing (no drain, no answer) for idleMs.
import type * as grpc from '@grpc/grpc-js';

export type UploadEnd = { kind: 'sent' } | { kind: 'stalled' } | { kind: 'aborted' } | { kind: 'call-ended' };

/**
 * Write every message of `messages` to `call`, then end it. Resolves with how it stopped; a failure
 * of the iterable (the file could not be read) rejects after cancelling the call.
 */
export async function pumpUpload<T>(
  call: grpc.ClientWritableStream<T>,
  messages: AsyncIterable<T>,
  opts: { idleMs?: number; signal?: AbortSignal; callEnded: Promise<void> },
): Promise<UploadEnd> {
  // One stop signal for the stall timer, the abort and the node ending the call. Each step waits on
  // it through a callback cleared afterwards: racing the step against long-lived promises instead
  // would leave a reaction on them per chunk, each holding that chunk until the upload ends.
  let stopped: UploadEnd | null = null;
  let interrupt: ((end: UploadEnd) => void) | null = null;
  const stop = (end: UploadEnd) => {
    if (stopped) return;
    stopped = end;
    interrupt?.(end);
  };
  let idleTimer: NodeJS.Timeout | undefined;
  const armIdle = () => {
    clearTimeout(idleTimer);
    if (opts.idleMs !== undefined) idleTimer = setTimeout(() => stop({ kind: 'stalled' }), opts.idleMs);
  };
  const onAbort = () => stop({ kind: 'aborted' });
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) onAbort();
  void opts.callEnded.then(() => stop({ kind: 'call-ended' }));
  // Whichever comes first: the step itself, or the stop signal.
  const race = <V>(step: Promise<V>) =>
    new Promise<{ kind: 'step'; value: V } | UploadEnd>((resolve, reject) => {
      if (stopped) return resolve(stopped);
      interrupt = resolve;
      step.then((value) => resolve({ kind: 'step', value }), reject);
    }).finally(() => (interrupt = null));
  const iterator = messages[Symbol.asyncIterator]();
  try {
    armIdle();
    for (;;) {
      const next = await race(iterator.next());
      if (next.kind !== 'step') return next;
      if (next.value.done) break;
      if (!call.write(next.value.value)) {
        const drained = await race(new Promise<void>((resolve) => call.once('drain', () => resolve())));
        if (drained.kind !== 'step') return drained;
      }
      armIdle();
    }
    call.end();
    return { kind: 'sent' };
  } catch (err) {
    call.cancel();
    throw err;
  } finally {
    clearTimeout(idleTimer);
    opts.signal?.removeEventListener('abort', onAbort);
    // Stopped early (stall, abort, node answered): let the source close its file.
    void iterator.return?.();
  }
}
