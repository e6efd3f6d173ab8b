// Runs a bundled classic script with a V8 code cache, so that a later start skips compiling what the
// previous one compiled. Used for the packs dist/chunks/pack-*.cjs (packs.ts, scripts/build.mjs):
// compiling what the console's first frame runs costs ~50 ms of CPU.
//
// The script file is ONE function expression, `(function (exports, require, module) {...})`, which
// the build writes that way: V8 compiles the text as read, with no wrapper to concatenate (and no
// copy of the whole text to flatten). ASCII text is read as Latin-1, which spares UTF-8 decoding.
//
// The cache must never make start-up worse or wrong:
// - its name carries the script's SHA-256 (computed by the build), the Node version and the
//   architecture, so a cache made for other code or another V8 is never even read;
// - V8 checks its own header (version, flags, source length) but, in release builds, not the
//   payload's checksum: the file starts with a magic and our own CRC-32 of the payload, checked
//   before V8 sees it (zlib's CRC-32: node:crypto alone costs ~2.5 ms before the first frame, and
//   what is guarded against is a damaged file, not an attacker who can already write the user's home);
// - anything wrong with the cache (missing, truncated, corrupt, rejected by V8, an unwritable or
//   read-only directory) means running without it; a rejected or missing cache is written anew;
// - the cache is written later, when the caller says the script has done its work (after the
//   console's first frame, before a run exits), through writeFileAtomic (0600, temp file + rename).
import { isAscii } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { crc32 } from 'node:zlib';

const MAGIC = Buffer.from('TTC1');
const HEADER_BYTES = MAGIC.length + 4;
const SUFFIX = '.v8cache';

/** $XDG_CACHE_HOME/talos-tui, else ~/.cache/talos-tui (XDG: a relative XDG_CACHE_HOME is ignored). */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env, home: () => string = homedir): string {
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'talos-tui');
  return path.join(home(), '.cache', 'talos-tui');
}

export interface CachedScript {
  /** What the script put on module.exports. */
  exports: unknown;
  /** 'used': compiled from the cache; 'none': no usable cache (missing, stale, corrupt); 'rejected': V8 refused it. */
  cache: 'used' | 'none' | 'rejected';
  /** The cache file this script reads and writes. */
  cacheFile: string;
  /**
   * Writes the cache (what V8 has compiled so far, so call it once the start-up work is done) unless
   * it was used as is. Never throws: a cache that cannot be written is simply not there next time.
   */
  saveCache(): Promise<void>;
}

/** A cache file's bytes: magic, CRC-32 (big-endian) of the payload, payload. */
export function sealCache(payload: Uint8Array): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header);
  header.writeUInt32BE(crc32(payload), MAGIC.length);
  return Buffer.concat([header, payload]);
}

/** The payload of a cache file's bytes when magic and CRC-32 match, else undefined. */
export function openCache(raw: Buffer): Buffer | undefined {
  if (raw.length <= HEADER_BYTES || !raw.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const payload = raw.subarray(HEADER_BYTES);
  return crc32(payload) === raw.readUInt32BE(MAGIC.length) ? payload : undefined;
}

/** The cache's payload when the file is there and intact, else undefined. */
function readCache(file: string): Buffer | undefined {
  let raw: Buffer;
  try {
    // Non-blocking open and a regular-file check: a FIFO or device planted there must not hang start-up.
    const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      if (!fstatSync(fd).isFile()) return undefined;
      raw = readFileSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  return openCache(raw);
}

/** The script's text: Latin-1 when it is ASCII (the built console is: the build checks), else UTF-8. */
function readScript(file: string): string {
  const bytes = readFileSync(file);
  return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
}

/**
 * The cache file's name for a script: `name`, the script's SHA-256 (hex, as the build computed it: so
 * the bin never loads node:crypto), the Node version and the architecture.
 */
export function codeCacheName(name: string, sourceSha256: string): string {
  return `${name}-${sourceSha256.slice(0, 32)}-${process.version}-${process.arch}${SUFFIX}`;
}

export interface CachedScriptOptions {
  /** The script: one function expression taking exports, require, module (see above). */
  file: string;
  cacheDir: string;
  /** The cache file's name in cacheDir (codeCacheName). */
  cacheName: string;
  /** Writing the cache removes the other caches in cacheDir (other builds, other Node versions) but those `keep` accepts. */
  keep: (cacheName: string) => boolean;
  /** What the script gets as `require`. */
  require: (id: string) => unknown;
}

/**
 * Runs a script in this context, compiled with its code cache. Errors thrown by the script itself
 * propagate; cache problems never do.
 */
export function runCachedScript({ file, cacheDir, cacheName, keep, require }: CachedScriptOptions): CachedScript {
  const source = readScript(file);
  const cacheFile = path.join(cacheDir, cacheName);
  const cachedData = readCache(cacheFile);
  const script = new vm.Script(source, { filename: file, cachedData });
  const cache = cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';
  const module = { exports: {} as unknown };
  (script.runInThisContext() as (e: unknown, r: (id: string) => unknown, m: { exports: unknown }) => void)(module.exports, require, module);

  let saved = false;
  const saveCache = async (): Promise<void> => {
    if (cache === 'used' || saved) return;
    saved = true;
    try {
      const data = script.createCachedData();
      // Loaded only now: node:fs/promises alone costs ~1 ms before the first frame.
      const [{ mkdir, readdir, unlink }, { writeFileAtomic }] = await Promise.all([import('node:fs/promises'), import('../io/atomic-file.js')]);
      await mkdir(cacheDir, { recursive: true, mode: 0o700 });
      await writeFileAtomic(cacheFile, sealCache(data), { overwrite: true, what: 'the code cache' });
      // Caches of earlier builds or Node versions are never read again.
      for (const entry of await readdir(cacheDir)) {
        if (entry.endsWith(SUFFIX) && entry !== cacheName && !keep(entry)) {
          await unlink(path.join(cacheDir, entry)).catch(() => undefined);
        }
      }
    } catch {
      // Read-only home, full disk, a directory in the way: run without a cache.
    }
  };
  return { exports: module.exports, cache, cacheFile, saveCache };
}
