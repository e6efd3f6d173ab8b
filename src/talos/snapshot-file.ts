// Saving an etcd snapshot (or any streamed file) so that the destination is never a half-written
// backup: the bytes go through the product's one atomic writer (src/io/atomic-file.ts: random temp
// beside the target, exclusive create, 0600 from the start since a snapshot holds every Kubernetes
// secret, fsync, rename). The SHA-256 and size are computed while streaming; an interrupted or empty
// stream leaves nothing behind.
import { createHash } from 'node:crypto';
import { FileTargetError, writeStreamAtomic } from '../io/atomic-file.js';
import { etcdSnapshot } from './api/machine.js';
import type { CallOptions, NodeTarget } from './target.js';

export interface SavedFile {
  /** Absolute path of the file written. */
  path: string;
  bytes: number;
  /** Lower-case hex SHA-256 of the content. */
  sha256: string;
}

export interface SaveOptions {
  signal?: AbortSignal;
  /** Called after each chunk is written, with the total so far. */
  onProgress?(bytes: number): void;
}

/** The snapshot was cancelled (Ctrl+C, SIGTERM, the pane closed): the temp file is gone, nothing was written. */
export class SaveCancelledError extends Error {
  override name = 'SaveCancelledError';
}

/** Stream `chunks` into `file` atomically, mode 0600, replacing a regular file. Fails without touching `file`. */
export async function writeStreamToFile(chunks: AsyncIterable<Uint8Array>, file: string, opts: SaveOptions = {}): Promise<SavedFile> {
  const hash = createHash('sha256');
  let bytes = 0;
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const chunk of chunks) {
      hash.update(chunk);
      bytes += chunk.length;
      yield chunk;
      opts.onProgress?.(bytes);
    }
    if (bytes === 0) throw new Error(`the node sent an empty snapshot: ${file} was not written`);
  }
  try {
    const saved = await writeStreamAtomic(counted(), file, { overwrite: true, what: 'the snapshot', signal: opts.signal });
    return { path: saved.path, bytes, sha256: hash.digest('hex') };
  } catch (err) {
    if (opts.signal?.aborted) throw new SaveCancelledError(`the snapshot was cancelled: ${file} was not written`);
    throw fsError(err, file);
  }
}

/** A snapshot may take a while to start on a large database, never this long with nothing at all. */
const SNAPSHOT_IDLE_TIMEOUT_MS = 60_000;

/** EtcdSnapshot from one node, saved to `file` (see writeStreamToFile). */
export function saveEtcdSnapshot(t: NodeTarget, file: string, opts: SaveOptions & Pick<CallOptions, 'deadlineMs' | 'idleTimeoutMs'> = {}): Promise<SavedFile> {
  const idleTimeoutMs = opts.idleTimeoutMs ?? SNAPSHOT_IDLE_TIMEOUT_MS;
  return writeStreamToFile(etcdSnapshot(t, { signal: opts.signal, deadlineMs: opts.deadlineMs, idleTimeoutMs }), file, opts);
}

/** Filesystem errors name the file the user gave; refusals and errors from the stream (TalosError) pass through. */
function fsError(err: unknown, file: string): unknown {
  if (err instanceof FileTargetError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e.code === 'string' && typeof e.syscall === 'string') {
    const reason = e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' : e.code === 'ENOSPC' ? 'no space left on the device' : e.message;
    return new Error(`cannot save the snapshot to ${file}: ${reason}`);
  }
  return err;
}
