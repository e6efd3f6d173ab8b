// Saving an etcd snapshot (or any streamed file) so that the destination is never a half-written
// backup: the bytes go to a temporary file beside the destination (same directory, so the rename
// stays on one filesystem and is atomic), are fsynced, then renamed into place; the directory is
// fsynced too so the rename survives a crash. The file is created 0600 from the start: a snapshot
// holds every Kubernetes secret. The SHA-256 and size are computed while streaming.
import { createHash, randomBytes } from 'node:crypto';
import { open, rename, stat, unlink, chmod, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
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

/** Stream `chunks` into `file` atomically (temp + fsync + rename), mode 0600. Fails without touching `file`. */
export async function writeStreamToFile(chunks: AsyncIterable<Uint8Array>, file: string, opts: SaveOptions = {}): Promise<SavedFile> {
  if (file.trim() === '') throw new Error('no file name given for the snapshot');
  const dest = path.resolve(file);
  const dir = path.dirname(dest);
  await checkDestination(file, dest, dir);

  const temp = path.join(dir, `.${path.basename(dest)}.${randomBytes(4).toString('hex')}.part`);
  const hash = createHash('sha256');
  let bytes = 0;
  let fh: FileHandle | undefined;
  try {
    fh = await open(temp, 'wx', 0o600);
    for await (const chunk of chunks) {
      if (opts.signal?.aborted) throw new Error(`saving ${file} was cancelled`);
      await fh.write(chunk);
      hash.update(chunk);
      bytes += chunk.length;
      opts.onProgress?.(bytes);
    }
    if (opts.signal?.aborted) throw new Error(`saving ${file} was cancelled`);
    if (bytes === 0) throw new Error(`the node sent an empty snapshot: ${file} was not written`);
    await fh.sync();
    await fh.close();
    fh = undefined;
    // A umask cannot add bits, but an odd one could strip the owner's: make 0600 certain.
    await chmod(temp, 0o600);
    await rename(temp, dest);
  } catch (err) {
    await fh?.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw fsError(err, file);
  }
  await syncDirectory(dir);
  return { path: dest, bytes, sha256: hash.digest('hex') };
}

/** EtcdSnapshot from one node, saved to `file` (see writeStreamToFile). */
export function saveEtcdSnapshot(t: NodeTarget, file: string, opts: SaveOptions & Pick<CallOptions, 'deadlineMs'> = {}): Promise<SavedFile> {
  return writeStreamToFile(etcdSnapshot(t, { signal: opts.signal, deadlineMs: opts.deadlineMs }), file, opts);
}

async function checkDestination(file: string, dest: string, dir: string): Promise<void> {
  const dirStat = await stat(dir).catch(() => null);
  if (!dirStat) throw new Error(`cannot save the snapshot to ${file}: directory ${dir} does not exist`);
  if (!dirStat.isDirectory()) throw new Error(`cannot save the snapshot to ${file}: ${dir} is not a directory`);
  const existing = await stat(dest).catch(() => null);
  if (existing?.isDirectory()) throw new Error(`cannot save the snapshot to ${file}: it is a directory, name a file inside it`);
}

/** Make the rename durable. Some filesystems refuse fsync on a directory: the file itself is already synced. */
async function syncDirectory(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // best effort
  } finally {
    await fh?.close().catch(() => {});
  }
}

/** Filesystem errors name the file the user gave; errors from the stream (TalosError) pass through. */
function fsError(err: unknown, file: string): unknown {
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e.code === 'string' && typeof e.syscall === 'string') {
    const reason = e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' : e.code === 'ENOSPC' ? 'no space left on the device' : e.message;
    return new Error(`cannot save the snapshot to ${file}: ${reason}`);
  }
  return err;
}
