// Imports TypeScript sources from a plain .mjs bench: bundles the given module with esbuild into
// a temporary .mjs (npm packages stay external), imports it, and removes the temp dir.
// Usage: const mod = await importTs('src/core/logs/log-model.ts');
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Bundles one TS entry (path relative to the repo root / cwd) and returns its exports. */
export async function importTs(entry) {
  const dir = mkdtempSync(join(tmpdir(), 'talos-tui-bench-'));
  const outfile = join(dir, basename(entry).replace(/\.tsx?$/, '.mjs'));
  try {
    await build({
      entryPoints: [resolve(entry)],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'error',
    });
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
