// The V8 code cache the built console runs its packs with (src/cli/code-cache.ts): used when it
// matches, and otherwise (missing, corrupt, from other code, refused by V8, unreadable or unwritable)
// ignored, replaced where possible, and never an error.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeCacheDir, codeCacheName, openCache, runCachedScript, sealCache } from '../../src/cli/code-cache.js';

const wrap = (body: string) => `(function (exports, require, module) {${body}\n})`;

function fixture(body = 'let n = 0; module.exports = { sum: (a, b) => a + b, next: () => ++n, builtin: require("node:path").sep };') {
  const dir = mkdtempSync(join(tmpdir(), 'code-cache-'));
  const file = join(dir, 'runtime.cjs');
  writeFileSync(file, wrap(body));
  return { dir, file, cacheDir: join(dir, 'cache') };
}

type Api = { sum: (a: number, b: number) => number; next: () => number; builtin: string };

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const run = (file: string, cacheDir: string, name = codeCacheName('rt', sha(file))) =>
  runCachedScript({ file, cacheDir, cacheName: name, keep: () => false, require: createRequire(file) });

let copies = 0;

/**
 * Runs the script, checks that it works, writes its cache; returns how the cache was found. Each run
 * compiles a copy under a new name (same text, so the same cache file): V8 keeps scripts it compiled
 * in this process by text and name, and would otherwise answer from there without reading the cache.
 */
async function runAndSave(file: string, cacheDir: string) {
  const copy = `${file}.${++copies}.cjs`;
  copyFileSync(file, copy);
  const script = run(copy, cacheDir);
  const api = script.exports as Api;
  expect(api.sum(2, 3)).toBe(5);
  expect(api.next()).toBe(1);
  expect(api.builtin).toBe('/');
  await script.saveCache();
  return script;
}

const isValidCache = (file: string) => openCache(readFileSync(file)) !== undefined;

describe('runCachedScript', () => {
  it('runs without a cache, writes one (0600, magic and CRC-32 first), and the next run uses it', async () => {
    const { file, cacheDir } = fixture();
    const first = await runAndSave(file, cacheDir);
    expect(first.cache).toBe('none');
    expect(first.cacheFile).toMatch(new RegExp(`/rt-[0-9a-f]{32}-${process.version.replace(/\./g, '\\.')}-${process.arch}\\.v8cache$`));
    expect(statSync(first.cacheFile).mode & 0o777).toBe(0o600);
    expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
    expect(readFileSync(first.cacheFile).subarray(0, 4).toString()).toBe('TTC1');
    expect(isValidCache(first.cacheFile)).toBe(true);
    expect((await runAndSave(file, cacheDir)).cache).toBe('used');
  });

  it('a corrupt cache (one flipped byte: CRC mismatch) is ignored and replaced', async () => {
    const { file, cacheDir } = fixture();
    const { cacheFile } = await runAndSave(file, cacheDir);
    const raw = readFileSync(cacheFile);
    raw[raw.length - 10] ^= 0x01;
    writeFileSync(cacheFile, raw);
    expect(isValidCache(cacheFile)).toBe(false);
    expect((await runAndSave(file, cacheDir)).cache).toBe('none');
    expect(isValidCache(cacheFile)).toBe(true);
    expect((await runAndSave(file, cacheDir)).cache).toBe('used');
  });

  it('a cache V8 refuses (garbage, sealed correctly) is ignored and replaced; a truncated one or another format is ignored', async () => {
    const { file, cacheDir } = fixture();
    const { cacheFile } = await runAndSave(file, cacheDir);
    writeFileSync(cacheFile, sealCache(Buffer.alloc(4096, 7)));
    expect((await runAndSave(file, cacheDir)).cache).toBe('rejected');
    expect((await runAndSave(file, cacheDir)).cache).toBe('used');
    writeFileSync(cacheFile, Buffer.alloc(6));
    expect((await runAndSave(file, cacheDir)).cache).toBe('none');
    // The previous format (a SHA-256 digest first) is not this one's.
    const payload = Buffer.alloc(64, 1);
    writeFileSync(cacheFile, Buffer.concat([createHash('sha256').update(payload).digest(), payload]));
    expect((await runAndSave(file, cacheDir)).cache).toBe('none');
  });

  it('a cache made for other code is never read; writing removes the other caches but those kept, and other files', async () => {
    const { file, cacheDir } = fixture();
    const old = await runAndSave(file, cacheDir);
    writeFileSync(join(cacheDir, 'notes.txt'), 'x');
    // Same length, one character different: V8's own check (source length) would not notice.
    writeFileSync(file, readFileSync(file, 'utf8').replace('let n = 0', 'let n = 1'));
    const kept = codeCacheName('rt', '0'.repeat(64));
    writeFileSync(join(cacheDir, kept), 'x');
    const script = runCachedScript({ file, cacheDir, cacheName: codeCacheName('rt', sha(file)), keep: (name) => name === kept, require: createRequire(file) });
    expect(script.cache).toBe('none');
    expect(script.cacheFile).not.toBe(old.cacheFile);
    expect((script.exports as Api).next()).toBe(2);
    await script.saveCache();
    expect(readdirSync(cacheDir).sort()).toEqual([kept, script.cacheFile.split('/').pop(), 'notes.txt'].sort());
  });

  it('a script with non-ASCII text is read as UTF-8', async () => {
    const { file, cacheDir } = fixture('module.exports = { text: "µs → ok" };');
    expect((run(file, cacheDir).exports as { text: string }).text).toBe('µs → ok');
  });

  it('an unwritable cache directory or a FIFO in the cache\'s place never breaks the run', async () => {
    const { dir, file } = fixture();
    // Under a regular file: mkdir fails even for root (a read-only home behaves the same).
    writeFileSync(join(dir, 'plain-file'), '');
    const blocked = await runAndSave(file, join(dir, 'plain-file', 'cache'));
    expect(blocked.cache).toBe('none');
    expect((await runAndSave(file, join(dir, 'plain-file', 'cache'))).cache).toBe('none');

    const cacheDir = join(dir, 'fifo-cache');
    mkdirSync(cacheDir);
    const probe = run(file, cacheDir);
    execFileSync('mkfifo', [probe.cacheFile]);
    const script = await runAndSave(file, cacheDir);
    expect(script.cache).toBe('none');
    expect(statSync(script.cacheFile).isFIFO()).toBe(true);
  });

  it('errors thrown by the script itself are not swallowed', () => {
    const { file, cacheDir } = fixture('throw new Error("broken runtime");');
    expect(() => run(file, cacheDir)).toThrow('broken runtime');
  });
});

describe('sealCache / openCache', () => {
  it('round-trips a payload and refuses a wrong magic, a short file and any changed byte', () => {
    const payload = Buffer.from('some bytecode');
    const sealed = sealCache(payload);
    expect(openCache(sealed)?.equals(payload)).toBe(true);
    for (let i = 0; i < sealed.length; i++) {
      const bad = Buffer.from(sealed);
      bad[i] ^= 0x80;
      expect(openCache(bad)).toBeUndefined();
    }
    expect(openCache(sealed.subarray(0, 8))).toBeUndefined();
  });
});

describe('codeCacheDir', () => {
  it('is $XDG_CACHE_HOME/talos-tui when absolute, else ~/.cache/talos-tui', () => {
    const home = () => '/home/op';
    expect(codeCacheDir({ XDG_CACHE_HOME: '/var/cache/op' }, home)).toBe('/var/cache/op/talos-tui');
    expect(codeCacheDir({ XDG_CACHE_HOME: 'relative' }, home)).toBe('/home/op/.cache/talos-tui');
    expect(codeCacheDir({}, home)).toBe('/home/op/.cache/talos-tui');
  });
});
