// Runs the built console from its two packs (scripts/build.mjs): chunks/console-frame.cjs, what the
// first frame needs, and chunks/console-rest.cjs, read only when the console first requires a chunk
// that is not in the frame pack (right after the first frame, when it imports grpc-js, a pane or the
// simulator). Each pack is one script (code-cache.ts) whose module.exports maps chunk ids
// ("./chunk-AB12.js") to CommonJS-shaped functions; this is their module registry, with CommonJS's
// rules: a chunk runs once, on its first require, and a require during its own run (a cycle) sees
// the exports as they are so far.
import path from 'node:path';
import { codeCacheName, runCachedScript, type CachedScript } from './code-cache.js';

type ChunkFunction = (exports: unknown, require: (id: string) => unknown, module: { exports: unknown }) => void;

export interface ConsolePacks {
  /** The id of main.ts's chunk. */
  main: string;
  /** SHA-256 (hex) of each pack's text, computed by the build: it names the pack's code cache. */
  frame: string;
  rest: string;
}

export interface LoadedConsole {
  /** Which packs were read, and how their code caches were found. */
  loaded(): { pack: 'frame' | 'rest'; cache: CachedScript['cache'] }[];
  /** Writes the code cache of each pack read so far that had none (see CachedScript.saveCache). */
  saveCaches(): Promise<void>;
}

/**
 * Runs main.ts's chunk from the packs in `dir` (and with it the console). `nodeRequire` serves
 * everything that is not a chunk (node builtins). Errors thrown by the chunks propagate.
 */
export function runConsolePacks(dir: string, packs: ConsolePacks, cacheDir: string, nodeRequire: (id: string) => unknown): LoadedConsole {
  const cacheNames = { frame: codeCacheName('console-frame', packs.frame), rest: codeCacheName('console-rest', packs.rest) };
  // Writing a pack's cache removes the console caches of other builds and Node versions.
  const sweep = { prefix: 'console-', keep: Object.values(cacheNames) };
  const scripts: { pack: 'frame' | 'rest'; script: CachedScript }[] = [];
  const functions = new Map<string, ChunkFunction>();
  const modules = new Map<string, { exports: unknown }>();

  const read = (pack: 'frame' | 'rest') => {
    const script = runCachedScript({ file: path.join(dir, `console-${pack}.cjs`), cacheDir, cacheName: cacheNames[pack], sweep, require: nodeRequire });
    scripts.push({ pack, script });
    for (const [id, fn] of Object.entries(script.exports as Record<string, ChunkFunction>)) functions.set(id, fn);
  };

  const requireChunk = (id: string): unknown => {
    if (!id.startsWith('./')) return nodeRequire(id);
    const known = modules.get(id);
    if (known) return known.exports;
    if (!functions.has(id) && !scripts.some((s) => s.pack === 'rest')) read('rest');
    const fn = functions.get(id);
    if (!fn) throw new Error(`the console's packs hold no chunk ${id}: reinstall talos-tui (dist/chunks is incomplete)`);
    const module = { exports: {} as unknown };
    modules.set(id, module);
    fn(module.exports, requireChunk, module);
    return module.exports;
  };

  read('frame');
  requireChunk(packs.main);
  return {
    loaded: () => scripts.map(({ pack, script }) => ({ pack, cache: script.cache })),
    // The packs read by now only: the rest pack, read right after the first frame, is saved when
    // the console quits, with what the session compiled, not empty at the first frame's save.
    saveCaches: async () => {
      for (const { script } of [...scripts]) await script.saveCache();
    },
  };
}
