// In the built package, React, react/jsx-runtime and Ink are not ES modules of the bundle: they are
// one classic script, chunks/ui-runtime.cjs (scripts/build.mjs), which this module runs once through
// the V8 code cache (code-cache.ts). The build resolves every `import ... from 'react' | 'ink'` of the
// console and of every lazily loaded pane to this one object, so they all share one React and one Ink
// (two copies would break hooks and contexts). Run from source (tests), nothing here is used.
import { fileURLToPath } from 'node:url';
import { codeCacheDir, runCachedScript, SAVE_CODE_CACHE, type CachedScript } from './code-cache.js';

export interface UiRuntime {
  react: unknown;
  jsxRuntime: unknown;
  ink: unknown;
}

let loaded: CachedScript | null = null;

// Replaced by the bundler with the SHA-256 (hex) of the ui-runtime.cjs it wrote beside this chunk.
declare const __UI_RUNTIME_SHA256__: string | undefined;

/** The runtime's modules, loaded on first call. `file`: the script, beside the chunk holding this module. */
export function uiRuntime(file: URL = new URL('./ui-runtime.cjs', import.meta.url)): UiRuntime {
  loaded ??= runCachedScript(fileURLToPath(file), 'ui-runtime', codeCacheDir(), typeof __UI_RUNTIME_SHA256__ === 'string' ? __UI_RUNTIME_SHA256__ : undefined);
  return loaded.exports as UiRuntime;
}

/**
 * Writes the runtime's code cache if it was missing or stale. Call once the first frame is out: the
 * cache then holds what drawing it compiled. Does nothing when the runtime was not loaded (source).
 */
export function saveUiRuntimeCodeCache(): void {
  void loaded?.saveCache();
  (globalThis as Record<symbol, (() => void) | undefined>)[SAVE_CODE_CACHE]?.();
}
