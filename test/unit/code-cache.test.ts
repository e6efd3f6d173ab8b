// The V8 code cache the built console runs its script with (src/cli/code-cache.ts): used when it
// matches, and otherwise (missing, corrupt, from other code, refused by V8, unreadable or unwritable)
// ignored, replaced where possible, and never an error.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeCacheDir, runCachedScript } from '../../src/cli/code-cache.js';

function fixture(source = 'let n = 0; module.exports = { sum: (a, b) => a + b, next: () => ++n, builtin: require("node:path").sep };') {
  const dir = mkdtempSync(join(tmpdir(), 'code-cache-'));
  const file = join(dir, 'runtime.cjs');
  writeFileSync(file, source);
  return { dir, file, cacheDir: join(dir, 'cache') };
}

type Api = { sum: (a: number, b: number) => number; next: () => number; builtin: string };

let copies = 0;

/**
 * Runs the script, checks that it works, writes its cache; returns how the cache was found. Each run
 * compiles a copy under a new name (same text, so the same cache file): V8 keeps scripts it compiled
 * in this process by text and name, and would otherwise answer from there without reading the cache.
 */
async function runAndSave(file: string, cacheDir: string) {
  const copy = `${file}.${++copies}.cjs`;
  copyFileSync(file, copy);
  const run = runCachedScript(copy, 'rt', cacheDir);
  const api = run.exports as Api;
  expect(api.sum(2, 3)).toBe(5);
  expect(api.next()).toBe(1);
  expect(api.builtin).toBe('/');
  await run.saveCache();
  return run;
}

const isValidCache = (file: string) => {
  const raw = readFileSync(file);
  return createHash('sha256').update(raw.subarray(32)).digest().equals(raw.subarray(0, 32));
};

describe('runCachedScript', () => {
  it('runs without a cache, writes one (0600, digest first), and the next run uses it', async () => {
    const { file, cacheDir } = fixture();
    const first = await runAndSave(file, cacheDir);
    expect(first.cache).toBe('none');
    expect(first.cacheFile).toMatch(/\/rt-[0-9a-f]{32}\.v8cache$/);
    expect(statSync(first.cacheFile).mode & 0o777).toBe(0o600);
    expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
    expect(isValidCache(first.cacheFile)).toBe(true);
    expect((await runAndSave(file, cacheDir)).cache).toBe('used');
  });

  it('a corrupt cache (digest mismatch) is ignored and replaced', async () => {
    const { file, cacheDir } = fixture();
    const { cacheFile } = await runAndSave(file, cacheDir);
    const raw = readFileSync(cacheFile);
    raw[raw.length - 10] ^= 0xff;
    writeFileSync(cacheFile, raw);
    expect((await runAndSave(file, cacheDir)).cache).toBe('none');
    expect(isValidCache(cacheFile)).toBe(true);
    expect((await runAndSave(file, cacheDir)).cache).toBe('used');
  });

  it('a cache V8 refuses (garbage with a matching digest) is ignored and replaced; a truncated one is ignored', async () => {
    const { file, cacheDir } = fixture();
    const { cacheFile } = await runAndSave(file, cacheDir);
    const garbage = Buffer.alloc(4096, 7);
    writeFileSync(cacheFile, Buffer.concat([createHash('sha256').update(garbage).digest(), garbage]));
    expect((await runAndSave(file, cacheDir)).cache).toBe('rejected');
    expect((await runAndSave(file, cacheDir)).cache).toBe('used');
    writeFileSync(cacheFile, Buffer.alloc(20));
    expect((await runAndSave(file, cacheDir)).cache).toBe('none');
  });

  it('a cache made for other code is never read, and is removed when the new one is written', async () => {
    const { file, cacheDir } = fixture();
    const old = await runAndSave(file, cacheDir);
    // Same length, one character different: V8's own check (source length) would not notice.
    writeFileSync(file, readFileSync(file, 'utf8').replace('let n = 0', 'let n = 1'));
    const run = runCachedScript(file, 'rt', cacheDir);
    expect(run.cache).toBe('none');
    expect(run.cacheFile).not.toBe(old.cacheFile);
    expect((run.exports as Api).next()).toBe(2);
    await run.saveCache();
    expect(readdirSync(cacheDir)).toEqual([run.cacheFile.split('/').pop()]);
  });

  it('a digest given by the caller (the build\'s) names the same cache as the file\'s own; another digest, another cache', async () => {
    const { file, cacheDir } = fixture();
    const own = await runAndSave(file, cacheDir);
    const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
    const copy = `${file}.given.cjs`;
    copyFileSync(file, copy);
    const given = runCachedScript(copy, 'rt', cacheDir, sha256);
    expect(given.cacheFile).toBe(own.cacheFile);
    expect(given.cache).toBe('used');
    const other = runCachedScript(copy, 'rt', cacheDir, '0'.repeat(64));
    expect(other.cacheFile).not.toBe(own.cacheFile);
    expect(other.cache).toBe('none');
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
    const probe = runCachedScript(file, 'rt', cacheDir);
    execFileSync('mkfifo', [probe.cacheFile]);
    const run = await runAndSave(file, cacheDir);
    expect(run.cache).toBe('none');
    expect(statSync(run.cacheFile).isFIFO()).toBe(true);
  });

  it('errors thrown by the script itself are not swallowed', () => {
    const { file, cacheDir } = fixture('throw new Error("broken runtime");');
    expect(() => runCachedScript(file, 'rt', cacheDir)).toThrow('broken runtime');
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
