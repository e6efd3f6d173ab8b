// The built talos-tui's module registry over its packs (src/cli/packs.ts): chunks run once, on first
// require, with CommonJS's cycle rule; a pack is read only when a chunk it holds is first required;
// each pack's code cache, per run mode, is written by the saver that saw the pack loaded.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeCacheName } from '../../src/cli/code-cache.js';
import { cacheKeyFor, PACKS, runPacks, type PackManifest, type PackName } from '../../src/cli/packs.js';

/** Writes pack-<name>.cjs files as the build does (module.exports maps chunk ids to functions) and their manifest. */
function packs(contents: Partial<Record<PackName, Record<string, string>>>) {
  const dir = mkdtempSync(join(tmpdir(), 'packs-'));
  const manifest: PackManifest = { main: './main.js', sha256: { main: '', frame: '', rest: '' }, chunks: {} };
  for (const pack of PACKS) {
    const chunks = contents[pack] ?? {};
    const body = Object.entries(chunks).map(([id, code]) => `${JSON.stringify(id)}:function(exports,require,module){${code}\n}`).join(',\n');
    const text = `(function (exports, require, module) {module.exports={${body}};\n})`;
    writeFileSync(join(dir, `pack-${pack}.cjs`), text);
    manifest.sha256[pack] = createHash('sha256').update(text).digest('hex');
    for (const id of Object.keys(chunks)) manifest.chunks[id] = pack;
  }
  return { dir, manifest, cacheDir: join(dir, 'cache') };
}

const log = () => (globalThis as { packLog?: string[] }).packLog!;
const start = () => ((globalThis as { packLog?: string[] }).packLog = []);
const later = () => (globalThis as { packLater?: () => number }).packLater!();
const nodeRequire = (dir: string) => createRequire(join(dir, 'x.cjs'));
const cli = cacheKeyFor({ headless: true });
const consoleRun = cacheKeyFor({ headless: false });

describe('cacheKeyFor', () => {
  it('names the console\'s caches, a headless run\'s, and each command\'s rest pack; never a path from argv', () => {
    expect(PACKS.map(cacheKeyFor({ headless: false }))).toEqual(['console-main', 'console-frame', 'console-rest']);
    expect(PACKS.map(cacheKeyFor({ headless: true }))).toEqual(['cli-main', 'cli-frame', 'cli-rest']);
    expect(PACKS.map(cacheKeyFor({ headless: true, command: 'services' }))).toEqual(['cli-main', 'cli-frame', 'cli-services-rest']);
    for (const command of ['../../etc', 'a/b', 'Services', '', 'x'.repeat(21), 'gen secrets']) {
      expect(cacheKeyFor({ headless: true, command })('rest')).toBe('cli-rest');
    }
  });
});

describe('runPacks', () => {
  it('runs main from the main pack, each chunk once, and reads another pack only for a chunk it holds', async () => {
    const { dir, manifest, cacheDir } = packs({
      main: {
        './main.js': 'globalThis.packLog.push("main"); const a = require("./a.js"); require("./a.js"); globalThis.packLog.push("a=" + a.value + " sep=" + require("node:path").sep); globalThis.packLater = () => require("./late.js").value;',
        './a.js': 'globalThis.packLog.push("a"); exports.value = 1;',
      },
      frame: { './ui.js': 'globalThis.packLog.push("ui");' },
      rest: { './late.js': 'globalThis.packLog.push("late"); exports.value = require("./a.js").value + 1;' },
    });
    start();
    const loaded = runPacks(dir, manifest, cli, cacheDir, nodeRequire(dir));
    expect(log()).toEqual(['main', 'a', 'a=1 sep=/']);
    expect(loaded.loaded()).toEqual([{ pack: 'main', cache: 'none' }]);
    expect(later()).toBe(2);
    expect(later()).toBe(2);
    expect(log()).toEqual(['main', 'a', 'a=1 sep=/', 'late']);
    // The frame pack (React, Ink in the build) is never read by a run that does not draw.
    expect(loaded.loaded().map((l) => l.pack)).toEqual(['main', 'rest']);
    await loaded.saveCaches();
    expect(readdirSync(cacheDir).sort()).toEqual([codeCacheName('cli-main', manifest.sha256.main), codeCacheName('cli-rest', manifest.sha256.rest)].sort());
  });

  it('a saver started before a pack is read does not save it; each mode keeps its own caches, and the next run uses them', async () => {
    const { dir, manifest, cacheDir } = packs({
      main: { './main.js': 'globalThis.packLater = () => require("./late.js").value + require("./late2.js").value;' },
      rest: { './late.js': 'exports.value = 2;', './late2.js': 'exports.value = 10;' },
    });
    const first = runPacks(dir, manifest, consoleRun, cacheDir, nodeRequire(dir));
    const firstSave = first.saveCaches();
    expect(later()).toBe(12);
    await firstSave;
    expect(readdirSync(cacheDir)).toEqual([codeCacheName('console-main', manifest.sha256.main)]);
    await first.saveCaches();
    const consoleCaches = [codeCacheName('console-main', manifest.sha256.main), codeCacheName('console-rest', manifest.sha256.rest)];
    expect(readdirSync(cacheDir).sort()).toEqual(consoleCaches.sort());

    const again = runPacks(dir, manifest, consoleRun, cacheDir, nodeRequire(dir));
    later();
    expect(again.loaded()).toEqual([{ pack: 'main', cache: 'used' }, { pack: 'rest', cache: 'used' }]);

    // A headless run compiles other parts of the same packs: its caches sit beside the console's.
    const headless = runPacks(dir, manifest, cli, cacheDir, nodeRequire(dir));
    later();
    expect(headless.loaded()).toEqual([{ pack: 'main', cache: 'none' }, { pack: 'rest', cache: 'none' }]);
    await headless.saveCaches();
    expect(readdirSync(cacheDir).sort()).toEqual([...consoleCaches, codeCacheName('cli-main', manifest.sha256.main), codeCacheName('cli-rest', manifest.sha256.rest)].sort());
  });

  it('writing a cache removes those of other builds and Node versions, and nothing else', async () => {
    const { dir, manifest, cacheDir } = packs({ main: { './main.js': 'exports.ok = 1;' } });
    mkdirSync(cacheDir);
    const stale = [codeCacheName('console-main', 'f'.repeat(64)), 'console-b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0-v18.0.0-x64.v8cache', 'console-1234.v8cache'];
    const otherMode = codeCacheName('cli-main', manifest.sha256.main);
    for (const name of [...stale, otherMode, 'notes.txt']) writeFileSync(join(cacheDir, name), 'x');
    await runPacks(dir, manifest, consoleRun, cacheDir, nodeRequire(dir)).saveCaches();
    expect(readdirSync(cacheDir).sort()).toEqual([codeCacheName('console-main', manifest.sha256.main), otherMode, 'notes.txt'].sort());
  });

  it('a cycle sees the exports as they are so far, as CommonJS does', () => {
    const { dir, manifest, cacheDir } = packs({
      main: {
        './main.js': 'require("./a.js"); globalThis.packLog.push("b saw " + JSON.stringify(require("./b.js").seen));',
        './a.js': 'exports.early = 1; exports.seen = require("./b.js").early; exports.late = 2;',
        './b.js': 'exports.early = "b"; const a = require("./a.js"); exports.seen = { early: a.early, late: a.late };',
      },
    });
    start();
    runPacks(dir, manifest, cli, cacheDir, nodeRequire(dir));
    // a runs first and requires b, which requires a back: a has set `early` but not yet `late`.
    expect(log()).toEqual(['b saw {"early":1}']);
  });

  it('a chunk no pack holds is an error naming it', () => {
    const { dir, manifest, cacheDir } = packs({ main: { './main.js': 'require("./gone.js");' } });
    expect(() => runPacks(dir, manifest, cli, cacheDir, nodeRequire(dir))).toThrow(
      "talos-tui's packs hold no chunk ./gone.js: reinstall talos-tui (dist/chunks is incomplete)",
    );
  });
});
