// What the bin (entry.ts) hands the built talos-tui (the packs, packs.ts) through two global symbols,
// and how main.ts and the console take it. A module of its own that imports nothing: the console
// imports it before its first frame, and code-cache.ts's imports (zlib, vm, fs) have no business there.
// - The code caches' saver: main.ts calls it before exiting, the console once its first frame is out
//   (packs.ts, code-cache.ts).
// - Yoga's WebAssembly (dist/chunks/yoga.wasm, ~70 KB), which the bin starts compiling in the
//   background before it reads and runs the console's packs, so that the compile (~1.5 ms of one
//   core) is done by the time Ink loads instead of holding up the first frame. The build
//   makes yoga-layout take it from here (scripts/build.mjs, yoga-sync).
// Run from source (tsx, tests), neither is there: nothing is saved, and yoga-layout loads itself.

/** Where the bin leaves the saver of the packs' code caches. */
export const SAVE_CODE_CACHE = Symbol.for('talos-tui.save-code-cache');
/** Where the bin leaves the Promise of yoga's compiled WebAssembly.Module, and later the module itself. */
export const YOGA_WASM = Symbol.for('talos-tui.yoga-wasm');

type Hooks = Record<symbol, unknown>;

/**
 * Writes the code caches of the packs read so far that had none (missing or stale). Called once
 * the console's first frame is out (the main and frame packs' caches then hold what drawing it
 * compiled) and before talos-tui exits (the rest pack's: what the session or the command compiled).
 * Never rejects; nothing happens run from source.
 */
export function saveCodeCaches(): Promise<void> {
  return ((globalThis as Hooks)[SAVE_CODE_CACHE] as (() => Promise<void>) | undefined)?.() ?? Promise.resolve();
}

/**
 * Waits until the yoga module the bin is compiling is there (it usually is: the compile ran beside
 * the script's loading). Call before loading Ink. Throws when the bytes would not compile.
 */
export async function yogaCompiled(): Promise<void> {
  const hooks = globalThis as Hooks;
  const pending = hooks[YOGA_WASM];
  if (pending instanceof Promise) hooks[YOGA_WASM] = await pending;
}

/** The compiled yoga module (for yoga-layout inside the built console), once yogaCompiled() resolved. */
export function compiledYoga(): WebAssembly.Module {
  const compiled = (globalThis as Hooks)[YOGA_WASM];
  if (!(compiled instanceof WebAssembly.Module)) {
    throw new Error('the console starts through the bin (dist/talos-tui.js), which compiles yoga.wasm, and loads Ink after yogaCompiled()');
  }
  return compiled;
}
