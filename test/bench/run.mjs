// Runs a TypeScript bench entry: bundles it with esbuild into a temporary .mjs next to nothing
// else, then imports it. Usage: node test/bench/run.mjs test/bench/discovery-scan.ts [args...]
// The bundle runs itself on import; it may re-run its own file (import.meta.url) in child
// processes, e.g. inside a network namespace.
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve, basename } from 'node:path';
import { pathToFileURL } from 'node:url';

const entry = process.argv[2];
if (!entry) {
  console.error('usage: node test/bench/run.mjs <entry.ts> [args...]');
  process.exit(2);
}
// Inside the repository (node_modules/.cache), not the OS temp dir: the bundle keeps npm packages
// external, and Node resolves them from the bundle's own location.
const cache = resolve('node_modules', '.cache');
mkdirSync(cache, { recursive: true });
const dir = mkdtempSync(join(cache, 'talos-tui-bench-'));
const outfile = join(dir, basename(entry).replace(/\.tsx?$/, '.mjs'));
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
process.argv.splice(2, 1); // the entry sees its own arguments from argv[2]
try {
  await import(pathToFileURL(outfile).href);
} finally {
  // The import resolves once the entry's top-level await (its main) is done.
  rmSync(dir, { recursive: true, force: true });
}
