// The one way the product writes a file (configs, secrets, talosconfig, kubeconfig, snapshots, saved
// logs, META exports): a temporary file with a random name beside the target (same directory, so the
// rename is atomic), created exclusively with mode 0600 (what it holds is often a secret), fsynced, then
// renamed over the target; the directory is fsynced so the rename survives a crash. The target must be
// absent or a regular file: a device, FIFO, socket or directory is refused, never replaced.
// A symbolic link (~/.kube/config kept in a dotfiles repository) is followed only when it is the
// user's own (or root's) and ends at a regular file: that file is replaced atomically in its own
// directory and the link stays. A link planted by someone else (a shared /tmp), a dangling link, or
// one that ends at a device, FIFO or directory is refused.
// src/io sits beside src/core at the bottom of the layers: node:fs only, no network, no React.
import { randomBytes } from 'node:crypto';
import { chmod, lstat, open, realpath, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/** A write refused before anything was written (the sentence names the file). Usage errors, exit 2. */
export class FileTargetError extends Error {
  override name = 'FileTargetError';
  constructor(
    message: string,
    /** 'exists': a regular file is there and overwrite was not allowed; 'refused': anything else. */
    readonly reason: 'exists' | 'refused' = 'refused',
  ) {
    super(message);
  }
}

export interface AtomicWriteOptions {
  /** Replace an existing regular file (talosctl's --force). Default: refuse. */
  overwrite?: boolean;
  /** What the file is, for messages ("the secrets bundle"). Default: "the file". */
  what?: string;
  signal?: AbortSignal;
}

/** Checks that `file` may be written: its directory exists, and it is absent or a regular file (and overwrite is allowed). */
export async function checkWritableTarget(file: string, opts: AtomicWriteOptions = {}): Promise<string> {
  const what = opts.what ?? 'the file';
  if (file.trim() === '') throw new FileTargetError(`no file name given for ${what}`);
  let dest = path.resolve(file);
  const dir = path.dirname(dest);
  const dirStat = await stat(dir).catch(() => null);
  if (!dirStat) throw new FileTargetError(`cannot write ${what} to ${file}: directory ${dir} does not exist`);
  if (!dirStat.isDirectory()) throw new FileTargetError(`cannot write ${what} to ${file}: ${dir} is not a directory`);
  let existing = await lstat(dest).catch(() => null);
  if (existing?.isSymbolicLink()) {
    const uid = process.getuid?.();
    if (uid !== undefined && existing.uid !== uid && existing.uid !== 0) {
      throw new FileTargetError(`cannot write ${what} to ${file}: it is a symbolic link owned by another user, not followed`);
    }
    const real = await realpath(dest).catch(() => null);
    if (!real) throw new FileTargetError(`cannot write ${what} to ${file}: it is a symbolic link to nothing (dangling)`);
    dest = real;
    existing = await lstat(dest);
    if (!existing.isFile()) throw new FileTargetError(`cannot write ${what} to ${file}: it is a symbolic link to ${existing.isDirectory() ? 'a directory' : kind(existing)}, not to a regular file`);
  }
  if (existing) {
    if (existing.isDirectory()) throw new FileTargetError(`cannot write ${what} to ${file}: it is a directory, name a file inside it`);
    if (!existing.isFile()) throw new FileTargetError(`cannot write ${what} to ${file}: it exists and is not a regular file (${kind(existing)})`);
    if (!opts.overwrite) throw new FileTargetError(`${file} already exists: not overwritten (use --force to replace it)`, 'exists');
  }
  return dest;
}

function kind(s: import('node:fs').Stats): string {
  if (s.isSymbolicLink()) return 'a symbolic link';
  if (s.isFIFO()) return 'a FIFO';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  return 'not a file';
}

/** Writes `chunks` to `file` atomically with mode 0600. On any failure the target is untouched and the temp file removed. */
export async function writeStreamAtomic(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, file: string, opts: AtomicWriteOptions = {}): Promise<{ path: string; bytes: number }> {
  const dest = await checkWritableTarget(file, opts);
  const dir = path.dirname(dest); // a followed symlink's target directory: the rename stays in it
  const temp = path.join(dir, `.${path.basename(dest)}.${randomBytes(6).toString('hex')}.part`);
  let fh: FileHandle | undefined;
  let bytes = 0;
  try {
    fh = await open(temp, 'wx', 0o600);
    for await (const chunk of chunks) {
      if (opts.signal?.aborted) throw new Error(`writing ${file} was cancelled`);
      await fh.write(chunk);
      bytes += chunk.length;
    }
    if (opts.signal?.aborted) throw new Error(`writing ${file} was cancelled`);
    await fh.sync();
    await fh.close();
    fh = undefined;
    await chmod(temp, 0o600); // an odd umask could strip the owner's bits
    // Re-check just before the rename: a device or FIFO planted meanwhile is still refused.
    if ((await checkWritableTarget(file, opts)) !== dest) throw new FileTargetError(`cannot write ${opts.what ?? 'the file'} to ${file}: it changed while being written`);
    await rename(temp, dest);
  } catch (err) {
    await fh?.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw err;
  }
  await syncDirectory(dir);
  return { path: dest, bytes };
}

/** Writes `data` to `file` atomically with mode 0600 (see writeStreamAtomic). */
export function writeFileAtomic(file: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): Promise<{ path: string; bytes: number }> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return writeStreamAtomic([bytes], file, opts);
}

async function syncDirectory(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // Some filesystems refuse fsync on a directory; the file itself is synced.
  } finally {
    await fh?.close().catch(() => {});
  }
}
