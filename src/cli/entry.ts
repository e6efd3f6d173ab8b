// The bin (dist/talos-tui.js, a CommonJS file: dist/package.json says so, so that the console
// starts without Node's ES module loader). The interactive console runs from two classic scripts,
// chunks/console-frame.cjs and console-rest.cjs (main.ts with everything it reaches, split into what
// the first frame needs and the rest; see scripts/build.mjs and console-packs.ts), through V8 code
// caches: no ES module graph to link and nothing to compile again before its first frame.
// `--version`, `--help` and anything naming a command import main.ts as ES modules (chunks/main.js
// and the chunks it loads on demand). Either way main.ts does the work, so the choice here changes
// only how fast it starts. Built only (see scripts/build.mjs); run from source, main.ts is the entry.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { codeCacheDir } from './code-cache.js';
import { runConsolePacks, type ConsolePacks, type LoadedConsole } from './console-packs.js';
import { SAVE_CODE_CACHE, YOGA_WASM } from './console-hooks.js';
import { splitCommand } from './split-command.js';

// Replaced by the bundler: main.ts's chunk id and the SHA-256 (hex) of each console pack it wrote.
declare const __CONSOLE_PACKS__: ConsolePacks;

const argv = process.argv.slice(2);
const headless = splitCommand(argv) !== null || argv.some((a) => /^-(-version|-help|[^-]*[vh])/.test(a));

if (headless) {
  void import(pathToFileURL(path.join(__dirname, 'chunks', 'main.js')).href);
} else {
  const chunks = path.join(__dirname, 'chunks');
  const hooks = globalThis as Record<symbol, unknown>;
  // On V8's background threads while this thread reads and runs the console (see console-hooks.ts).
  // (Compiling all of it up front there, with --no-wasm-lazy-compilation, saves ~2.5 ms of first
  // calls but, on 2 cores, makes Ink wait ~3.5 ms for the compile: measured, and left lazy.)
  hooks[YOGA_WASM] = WebAssembly.compile(readFileSync(path.join(chunks, 'yoga.wasm')));
  let packs: LoadedConsole | undefined;
  // The console calls this once its first frame is out, and again when it quits (app.tsx): the
  // caches then hold what drawing, and later the session, compiled.
  hooks[SAVE_CODE_CACHE] = () => packs?.saveCaches() ?? Promise.resolve();
  packs = runConsolePacks(chunks, __CONSOLE_PACKS__, codeCacheDir(), require);
}
