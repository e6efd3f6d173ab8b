// Runs the built talos-tui from its packs (scripts/build.mjs): chunks/pack-main.cjs (main.ts and what
// it imports statically), pack-frame.cjs (what the console's first frame needs on top: React, Ink,
// the shell) and pack-rest.cjs (the panes, the commands, grpc-js, the simulator). Each pack is one
// script (code-cache.ts) whose module.exports maps chunk ids ("./chunk-AB12.js") to CommonJS-shaped
// functions; a pack is read when a chunk it holds is first required (the build's manifest says which
// pack holds which chunk), so --version reads the main pack only, a headless command main and rest,
// and the console main and frame before its first frame, rest after. This is their module registry,
// with CommonJS's rules: a chunk runs once, on its first require, and a require during its own run
// (a cycle) sees the exports as they are so far.
import path from 'node:path';
import { codeCacheName, runCachedScript, type CachedScript } from './code-cache.js';

type ChunkFunction = (exports: unknown, require: (id: string) => unknown, module: { exports: unknown }) => void;

export const PACKS = ['main', 'frame', 'rest'] as const;
export type PackName = (typeof PACKS)[number];

/** What the build writes into the bin: the entry chunk, each pack's SHA-256 (hex), and which pack holds which chunk. */
export interface PackManifest {
  main: string;
  sha256: Record<PackName, string>;
  chunks: Record<string, PackName>;
}

/**
 * The name of a pack's code cache for this run, before the build's hash (codeCacheName): the console
 * and the headless commands compile different parts of the same packs (the rest pack's panes and
 * simulator, or one command), so each keeps its own, e.g. "console-frame" or "cli-services-rest".
 */
export type CacheKey = (pack: PackName) => string;

/**
 * The console's caches are "console-<pack>"; a headless run's "cli-<pack>", except that each command
 * keeps its own cache of the rest pack (a shell loop runs one command many times). A command name
 * that is not a plain word (a typo, which main.ts refuses anyway) never names a file.
 */
export function cacheKeyFor(run: { headless: boolean; command?: string }): CacheKey {
  if (!run.headless) return (pack) => `console-${pack}`;
  const command = run.command !== undefined && /^[a-z]{1,20}$/.test(run.command) ? run.command : undefined;
  return (pack) => (pack === 'rest' && command ? `cli-${command}-rest` : `cli-${pack}`);
}
export interface LoadedPacks {
  /** Which packs were read, in order, and how their code caches were found. */
  loaded(): { pack: PackName; cache: CachedScript['cache'] }[];
  /** Writes the code cache of each pack read so far that had none (see CachedScript.saveCache). */
  saveCaches(): Promise<void>;
}

/**
 * Runs the entry chunk (main.ts) from the packs in `dir`. `nodeRequire` serves everything that is
 * not a chunk (node builtins). Errors thrown by the chunks propagate.
 */
export function runPacks(dir: string, manifest: PackManifest, cacheKey: CacheKey, cacheDir: string, nodeRequire: (id: string) => unknown): LoadedPacks {
  // Writing a cache removes the caches of other builds and Node versions, not the other runs'.
  const current = PACKS.map((pack) => codeCacheName('', manifest.sha256[pack]));
  const keep = (name: string) => current.some((suffix) => name.endsWith(suffix));
  const scripts: { pack: PackName; script: CachedScript }[] = [];
  const functions = new Map<string, ChunkFunction>();
  const modules = new Map<string, { exports: unknown }>();

  const read = (pack: PackName) => {
    const script = runCachedScript({ file: path.join(dir, `pack-${pack}.cjs`), cacheDir, cacheName: codeCacheName(cacheKey(pack), manifest.sha256[pack]), keep, require: nodeRequire });
    scripts.push({ pack, script });
    for (const [id, fn] of Object.entries(script.exports as Record<string, ChunkFunction>)) functions.set(id, fn);
  };

  const requireChunk = (id: string): unknown => {
    if (!id.startsWith('./')) return nodeRequire(id);
    const known = modules.get(id);
    if (known) return known.exports;
    const pack = manifest.chunks[id];
    if (!functions.has(id) && pack && !scripts.some((s) => s.pack === pack)) read(pack);
    const fn = functions.get(id);
    if (!fn) throw new Error(`talos-tui's packs hold no chunk ${id}: reinstall talos-tui (dist/chunks is incomplete)`);
    const module = { exports: {} as unknown };
    modules.set(id, module);
    fn(module.exports, requireChunk, module);
    return module.exports;
  };

  requireChunk(manifest.main);
  return {
    loaded: () => scripts.map(({ pack, script }) => ({ pack, cache: script.cache })),
    // The packs read by now only: the console's rest pack, read right after the first frame, is
    // saved when it quits, with what the session compiled, not empty at the first frame's save.
    saveCaches: async () => {
      for (const { script } of [...scripts]) await script.saveCache();
    },
  };
}
