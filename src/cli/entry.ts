// The bin (dist/talos-tui.js, a CommonJS file: dist/package.json says so, so that the console
// starts without Node's ES module loader). The interactive console runs as ONE classic script,
// chunks/console.cjs (main.ts with everything it reaches, React and Ink included; see
// scripts/build.mjs), through a V8 code cache: no ES module graph to link and nothing to compile
// again before its first frame. `--version`, `--help` and anything naming a command import main.ts
// as ES modules (chunks/main.js and the chunks it loads on demand: no 2 MB script to read). Either
// way main.ts does the work, so the choice here changes only how fast it starts. Built only (see
// scripts/build.mjs); run from source, main.ts is the entry.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { codeCacheDir, runCachedScript, SAVE_CODE_CACHE, type CachedScript } from './code-cache.js';
import { splitCommand } from './split-command.js';

// Replaced by the bundler with the SHA-256 (hex) of the chunks/console.cjs it wrote.
declare const __CONSOLE_SHA256__: string;

const argv = process.argv.slice(2);
const headless = splitCommand(argv) !== null || argv.some((a) => /^-(-version|-help|[^-]*[vh])/.test(a));

if (headless) {
  void import(pathToFileURL(path.join(__dirname, 'chunks', 'main.js')).href);
} else {
  let script: CachedScript | undefined;
  // The console calls this once its first frame is out (app.tsx): the cache then holds what drawing it compiled.
  (globalThis as Record<symbol, unknown>)[SAVE_CODE_CACHE] = () => void script?.saveCache();
  script = runCachedScript(path.join(__dirname, 'chunks', 'console.cjs'), 'console', codeCacheDir(), __CONSOLE_SHA256__);
}
