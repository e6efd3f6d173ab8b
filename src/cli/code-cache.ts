// Runs a bundled classic script (CommonJS shape) with a V8 code cache, so that a later start skips
// compiling what the previous one compiled. Used for dist/chunks/console.cjs (the whole console with
// React, Ink and yoga, see scripts/build.mjs): compiling it costs ~50 ms of CPU before the first frame.
//
// The cache must never make start-up worse or wrong:
// - its name carries a hash of the script's text (its SHA-256, computed by the build for the console script),
//   the Node version and the architecture, so a cache made for other code or another V8 is never even read;
// - V8 checks its own header (version, flags, source length) but, in release builds, not the
//   payload's checksum: the file starts with our own SHA-256 of the payload, checked before V8 sees it;
// - anything wrong with the cache (missing, truncated, corrupt, rejected by V8, an unwritable or
//   read-only directory) means running without it; a rejected or missing cache is written anew;
// - the cache is written later, when the caller says the script has done its start-up work
//   (after the first frame), through writeFileAtomic (0600, temp file + rename).
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';
import vm from 'node:vm';

const DIGEST_BYTES = 32;

/** Where the bin (entry.ts) leaves the saver of chunks/console.cjs's code cache, when it ran the console that way. */
export const SAVE_CODE_CACHE = Symbol.for('talos-tui.save-code-cache');

/**
 * Writes the console's code cache if it was missing or stale. The console calls it once its first
 * frame is out: the cache then holds what drawing it compiled. Nothing happens run from source.
 */
export function saveConsoleCodeCache(): void {
  (globalThis as Record<symbol, (() => void) | undefined>)[SAVE_CODE_CACHE]?.();
}
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

function digest(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

/** The cache's payload when the file is there and its digest matches, else undefined. */
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
  if (raw.length <= DIGEST_BYTES) return undefined;
  const payload = raw.subarray(DIGEST_BYTES);
  return digest(payload).equals(raw.subarray(0, DIGEST_BYTES)) ? payload : undefined;
}

/**
 * Runs `file` (CommonJS shape: require, module, exports) in this context, compiled with the code
 * cache kept in `cacheDir` under `<name>-<key>.v8cache`. Errors thrown by the script itself propagate;
 * cache problems never do. `sourceSha256`: the file's SHA-256 (hex) when the caller knows it (the
 * build computes it: hashing the ~400 KB runtime costs ~1 ms per start); else it is computed here.
 */
export function runCachedScript(file: string, name: string, cacheDir: string, sourceSha256?: string): CachedScript {
  const source = readFileSync(file, 'utf8');
  const sourceKey = sourceSha256 ?? createHash('sha256').update(source).digest('hex');
  const key = createHash('sha256').update(sourceKey).update(`\0${process.version}\0${process.arch}`).digest('hex').slice(0, 32);
  const cacheFile = path.join(cacheDir, `${name}-${key}${SUFFIX}`);
  const cachedData = readCache(cacheFile);
  // The wrapper keeps the script's top-level names out of the global scope, as require() would.
  const script = new vm.Script(`(function (exports, require, module) {${source}\n})`, { filename: file, cachedData });
  const cache = cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';
  const module = { exports: {} as unknown };
  (script.runInThisContext() as (e: unknown, r: NodeJS.Require, m: { exports: unknown }) => void)(module.exports, createRequire(file), module);

  let saved = false;
  const saveCache = async (): Promise<void> => {
    if (cache === 'used' || saved) return;
    saved = true;
    try {
      const data = script.createCachedData();
      // Loaded only now: node:fs/promises alone costs ~1 ms before the first frame.
      const [{ mkdir, readdir, unlink }, { writeFileAtomic }] = await Promise.all([import('node:fs/promises'), import('../io/atomic-file.js')]);
      await mkdir(cacheDir, { recursive: true, mode: 0o700 });
      await writeFileAtomic(cacheFile, Buffer.concat([digest(data), data]), { overwrite: true, what: 'the code cache' });
      // Caches of earlier builds or Node versions are never read again.
      for (const entry of await readdir(cacheDir)) {
        if (entry !== path.basename(cacheFile) && entry.startsWith(`${name}-`) && entry.endsWith(SUFFIX)) {
          await unlink(path.join(cacheDir, entry)).catch(() => undefined);
        }
      }
    } catch {
      // Read-only home, full disk, a directory in the way: run without a cache.
    }
  };
  return { exports: module.exports, cache, cacheFile, saveCache };
}
