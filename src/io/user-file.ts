// The one way the product reads a file the user named (base configs, patches, inventories and
// profiles, META documents, talosconfig): it must exist, be a regular file (a FIFO or device would
// block the read forever or never end), stay under a size limit, and hold text. The error is one
// sentence naming the file; callers turn it into a usage error (exit 2) or a pane message.
// src/io sits beside src/core at the bottom of the layers: node:fs only.
import { closeSync, constants, fstatSync, openSync, read, readSync, type Stats } from 'node:fs';

/** Machine configs with inline manifests reach a few MiB; nothing a user names legitimately needs more. */
export const MAX_USER_FILE_BYTES = 8 * 1024 * 1024;

export type UserFileProblem = 'missing' | 'directory' | 'not-regular' | 'too-large' | 'binary' | 'empty' | 'unreadable';

export class UserFileError extends Error {
  override name = 'UserFileError';
  constructor(
    message: string,
    readonly file: string,
    readonly problem: UserFileProblem,
  ) {
    super(message);
  }
}

export interface ReadUserFileOptions {
  maxBytes?: number;
  /** How the file is named in messages (as the user typed it, or relative); default: `file`. */
  shown?: string;
}

type Fail = (problem: UserFileProblem, why: string) => never;

/** Open `file` for reading and check it is a regular file; the caller closes the descriptor. */
function openChecked(file: string, what: string, opts: ReadUserFileOptions): { fd: number; st: Stats; fail: Fail } {
  const fail: Fail = (problem, why) => {
    throw new UserFileError(`${what} ${opts.shown ?? file} ${why}`, file, problem);
  };
  if (file.trim() === '') throw new UserFileError(`no file name given for the ${what}`, file, 'missing');
  let fd: number;
  try {
    // Non-blocking: opening a FIFO nobody writes to returns at once (then is refused below).
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return fail('missing', 'does not exist');
    if (code === 'EISDIR') return fail('directory', 'is a directory, not a file');
    if (code === 'EACCES' || code === 'EPERM') return fail('unreadable', 'is not readable (permission denied)');
    if (code === 'ENOTDIR') return fail('missing', 'does not exist (a part of its path is not a directory)');
    return fail('unreadable', `cannot be read (${code ?? (err as Error).message})`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) return fail('directory', 'is a directory, not a file');
    if (!st.isFile()) return fail('not-regular', `is not a regular file (${st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : 'a device'}): name a file`);
    return { fd, st, fail };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/** The UTF-8 text of `file`; `what` names it in errors ("base config", "patch file"). */
export function readUserFile(file: string, what: string, opts: ReadUserFileOptions = {}): string {
  const maxBytes = opts.maxBytes ?? MAX_USER_FILE_BYTES;
  const { fd, st, fail } = openChecked(file, what, opts);
  try {
    if (st.size > maxBytes) return fail('too-large', `is too large (${mib(st.size)}; at most ${mib(maxBytes)})`);
    const buf = Buffer.alloc(Math.min(st.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buf, length, buf.length - length, null);
      if (n === 0) break;
      length += n;
      if (length === buf.length) return fail('too-large', `is too large (more than ${mib(maxBytes)})`); // grew while read
    }
    return decodeText(buf.subarray(0, length), fail);
  } finally {
    closeSync(fd);
  }
}

/**
 * A binary file the user named (an etcd snapshot), any size: the same checks as readUserFile, and
 * it must not be empty. Returns its size and a reader of its bytes in chunks, each chunk read only
 * when the consumer asks for it (back-pressure); each read opens and checks the file again.
 */
export function openUserBinaryFile(file: string, what: string, opts: ReadUserFileOptions = {}): { size: number; chunks(chunkBytes?: number): AsyncGenerator<Uint8Array> } {
  const { fd, st, fail } = openChecked(file, what, opts);
  closeSync(fd);
  if (st.size === 0) return fail('empty', 'is empty');
  return {
    size: st.size,
    async *chunks(chunkBytes = 64 * 1024) {
      const { fd: rfd } = openChecked(file, what, opts);
      try {
        for (;;) {
          const buf = Buffer.allocUnsafe(chunkBytes);
          const n = await new Promise<number>((resolve, reject) => read(rfd, buf, 0, chunkBytes, null, (err, bytes) => (err ? reject(err) : resolve(bytes))));
          if (n === 0) return;
          yield buf.subarray(0, n);
        }
      } finally {
        closeSync(rfd);
      }
    },
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function decodeText(bytes: Uint8Array, fail: Fail): string {
  if (bytes.includes(0)) return fail('binary', 'is not a text file (it holds NUL bytes)');
  try {
    return utf8.decode(bytes);
  } catch {
    return fail('binary', 'is not a text file (it is not valid UTF-8)');
  }
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
