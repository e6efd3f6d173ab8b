// The built console's module registry over its two packs (src/cli/console-packs.ts): chunks run once,
// on first require, with CommonJS's cycle rule; the rest pack is read only when a chunk outside the
// frame pack is first required; each pack's code cache is written by the saver that saw it loaded.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeCacheName } from '../../src/cli/code-cache.js';
import { runConsolePacks, type ConsolePacks } from '../../src/cli/console-packs.js';

/** Writes console-frame.cjs and console-rest.cjs as the build does: module.exports maps chunk ids to functions. */
function packs(frame: Record<string, string>, rest: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'console-packs-'));
  const write = (name: string, chunks: Record<string, string>) => {
    const body = Object.entries(chunks).map(([id, code]) => `${JSON.stringify(id)}:function(exports,require,module){${code}\n}`).join(',\n');
    const text = `(function (exports, require, module) {module.exports={${body}};\n})`;
    writeFileSync(join(dir, `console-${name}.cjs`), text);
    return createHash('sha256').update(text).digest('hex');
  };
  const ids: ConsolePacks = { main: './main.js', frame: write('frame', frame), rest: write('rest', rest) };
  return { dir, ids, cacheDir: join(dir, 'cache') };
}

const log = () => (globalThis as { packLog?: string[] }).packLog!;
const start = () => ((globalThis as { packLog?: string[] }).packLog = []);

describe('runConsolePacks', () => {
  it('runs main from the frame pack, each chunk once, and reads the rest pack only for a chunk outside the frame', async () => {
    const { dir, ids, cacheDir } = packs(
      {
        './main.js': 'globalThis.packLog.push("main"); const a = require("./a.js"); require("./a.js"); globalThis.packLog.push("a=" + a.value + " sep=" + require("node:path").sep);',
        './a.js': 'globalThis.packLog.push("a"); exports.value = 1;',
      },
      { './late.js': 'globalThis.packLog.push("late"); exports.value = require("./a.js").value + 1;' },
    );
    start();
    const console = runConsolePacks(dir, ids, cacheDir, createRequire(join(dir, 'x.cjs')));
    expect(log()).toEqual(['main', 'a', 'a=1 sep=/']);
    expect(console.loaded()).toEqual([{ pack: 'frame', cache: 'none' }]);
    await console.saveCaches();
    expect(readdirSync(cacheDir)).toEqual([codeCacheName('console-frame', ids.frame)]);
  });

  it('a chunk outside the frame pack reads the rest pack once; a saver started before that does not save it', async () => {
    const { dir, ids, cacheDir } = packs(
      { './main.js': 'globalThis.packLate = () => require("./late.js").value + require("./late2.js").value;', './a.js': 'exports.value = 1;' },
      { './late.js': 'globalThis.packLog.push("late"); exports.value = require("./a.js").value + 1;', './late2.js': 'globalThis.packLog.push("late2"); exports.value = 10;' },
    );
    start();
    const console = runConsolePacks(dir, ids, cacheDir, createRequire(join(dir, 'x.cjs')));
    const firstSave = console.saveCaches();
    const late = (globalThis as { packLate?: () => number }).packLate!;
    expect(late()).toBe(12);
    expect(late()).toBe(12);
    expect(log()).toEqual(['late', 'late2']);
    expect(console.loaded().map((l) => l.pack)).toEqual(['frame', 'rest']);
    await firstSave;
    expect(readdirSync(cacheDir)).toEqual([codeCacheName('console-frame', ids.frame)]);
    await console.saveCaches();
    expect(readdirSync(cacheDir).sort()).toEqual([codeCacheName('console-frame', ids.frame), codeCacheName('console-rest', ids.rest)].sort());

    // The next start finds both caches and uses them.
    start();
    const again = runConsolePacks(dir, ids, cacheDir, createRequire(join(dir, 'x.cjs')));
    (globalThis as { packLate?: () => number }).packLate!();
    expect(again.loaded()).toEqual([{ pack: 'frame', cache: 'used' }, { pack: 'rest', cache: 'used' }]);
  });

  it('a cycle sees the exports as they are so far, as CommonJS does', () => {
    const { dir, ids, cacheDir } = packs(
      {
        './main.js': 'require("./a.js"); globalThis.packLog.push("b saw " + JSON.stringify(require("./b.js").seen));',
        './a.js': 'exports.early = 1; exports.seen = require("./b.js").early; exports.late = 2;',
        './b.js': 'exports.early = "b"; const a = require("./a.js"); exports.seen = { early: a.early, late: a.late };',
      },
      {},
    );
    start();
    runConsolePacks(dir, ids, cacheDir, createRequire(join(dir, 'x.cjs')));
    // a runs first and requires b, which requires a back: a has set `early` but not yet `late`.
    expect(log()).toEqual(['b saw {"early":1}']);
  });

  it('a chunk in neither pack is an error naming it; the rest pack is not read when the frame pack has every chunk', () => {
    const { dir, ids, cacheDir } = packs({ './main.js': 'require("./gone.js");' }, {});
    expect(() => runConsolePacks(dir, ids, cacheDir, createRequire(join(dir, 'x.cjs')))).toThrow(
      "the console's packs hold no chunk ./gone.js: reinstall talos-tui (dist/chunks is incomplete)",
    );
    const whole = packs({ './main.js': 'exports.ok = true;' }, {});
    const console = runConsolePacks(whole.dir, whole.ids, whole.cacheDir, createRequire(join(whole.dir, 'x.cjs')));
    expect(console.loaded().map((l) => l.pack)).toEqual(['frame']);
    expect(existsSync(whole.cacheDir)).toBe(false);
  });
});
