// The bin (dist/talos-tui.js, a CommonJS file: dist/package.json says so, so that nothing goes
// through Node's ES module loader). Everything runs from the packs (packs.ts, scripts/build.mjs):
// main.ts's chunk from pack-main.cjs, then whatever it imports, each pack read on first need and
// compiled through a V8 code cache, so nothing is compiled again. Only the console draws: it alone
// reads the frame pack (React, Ink) and gets yoga's WebAssembly compiled beside it. Built only;
// run from source, main.ts is the entry.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { codeCacheDir } from './code-cache.js';
import { cacheKeyFor, runPacks, type LoadedPacks, type PackManifest } from './packs.js';
import { SAVE_CODE_CACHE, YOGA_WASM } from './console-hooks.js';
import { splitCommand } from './split-command.js';

// Replaced by the bundler: the entry chunk, each pack's SHA-256 and which pack holds which chunk.
declare const __PACKS__: PackManifest;

const argv = process.argv.slice(2);
const command = splitCommand(argv)?.name;
const headless = command !== undefined || argv.some((a) => /^-(-version|-help|[^-]*[vh])/.test(a));

const chunks = path.join(__dirname, 'chunks');
const hooks = globalThis as Record<symbol, unknown>;
if (!headless) {
  // On V8's background threads while this thread reads and runs the console (see console-hooks.ts).
  // (Compiling all of it up front there, with --no-wasm-lazy-compilation, saves ~2.5 ms of first
  // calls but, on 2 cores, makes Ink wait ~3.5 ms for the compile: measured, and left lazy.)
  hooks[YOGA_WASM] = WebAssembly.compile(readFileSync(path.join(chunks, 'yoga.wasm')));
}
let packs: LoadedPacks | undefined;
// main.ts calls this before it exits, and the console once its first frame is out (app.tsx): the
// caches then hold what the run compiled.
hooks[SAVE_CODE_CACHE] = () => packs?.saveCaches() ?? Promise.resolve();
packs = runPacks(chunks, __PACKS__, cacheKeyFor({ headless, command }), codeCacheDir(), require);
