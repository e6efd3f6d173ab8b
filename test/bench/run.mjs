// The one way benches run TypeScript: bundle a .ts entry with esbuild into node_modules/.cache/
// (inside the repository, so Node resolves the npm packages a bundle leaves external from the
// bundle's own location), import it, and remove the bundle when its top-level await is done.
//
// As a command:  node test/bench/run.mjs [--production] test/bench/discovery-scan.ts [args...]
//   The entry runs itself on import and sees its own arguments from argv[2]. It may re-run its own
//   file (import.meta.url) in child processes, e.g. inside a network namespace.
// As a library (from a plain .mjs bench):
//   import { importTs, runTs } from './run.mjs';
//   const { LogModel } = await importTs('src/core/logs/log-model.ts');   // exports, bundle removed
//   await runTs('test/bench/logs-pane.ts', { production: true });         // runs it, then removes it
//
// `production: true` bundles like the shipped console (scripts/build.mjs): every npm package inside
// the bundle, React in production mode, react-devtools-core stubbed. Otherwise npm packages stay
// external (fast to build, the code as tests see it).
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

// Ink imports react-devtools-core only when DEV=true; it is not installed (same stub as the build).
const devtoolsStub = {
  name: 'stub-react-devtools-core',
  setup(b) {
    b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: "throw new Error('react-devtools-core is not bundled');", loader: 'js' }));
  },
};

/** Bundles `entry` (relative to the repository root) and returns the bundle's path and a remover. */
async function bundle(entry, { production = false } = {}) {
  const cache = join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'talos-tui-bench-'));
  const outfile = join(dir, basename(entry).replace(/\.tsx?$/, '.mjs'));
  const remove = () => {
    process.off('exit', remove);
    rmSync(dir, { recursive: true, force: true });
  };
  // Also when the entry ends with process.exit() (its own `finally` never runs then).
  process.on('exit', remove);
  try {
    await build({
      entryPoints: [resolve(root, entry)],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'error',
      ...(production
        ? {
            external: [...builtinModules, ...builtinModules.map((m) => `node:${m}`)],
            // Bundled CommonJS (grpc-js, react) calls require() for node builtins.
            banner: { js: "import {createRequire as __cr} from 'module'; const require = __cr(import.meta.url);" },
            define: { 'process.env.NODE_ENV': '"production"' },
            plugins: [devtoolsStub],
          }
        : { packages: 'external' }),
    });
  } catch (err) {
    remove();
    throw err;
  }
  return { outfile, remove };
}

/** Bundles one TS module and returns its exports (the bundle is removed once it is loaded). */
export async function importTs(entry, options) {
  const { outfile, remove } = await bundle(entry, options);
  try {
    return await import(pathToFileURL(outfile).href);
  } finally {
    remove();
  }
}

/**
 * Runs a TS entry that does its work on import: resolves when its top-level await is done, and only
 * then removes the bundle (children that re-run the same file need it until then).
 */
export async function runTs(entry, options) {
  await importTs(entry, options);
}

// ---- as a command
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const production = process.argv[2] === '--production';
  if (production) process.argv.splice(2, 1);
  const entry = process.argv[2];
  if (!entry) {
    console.error('usage: node test/bench/run.mjs [--production] <entry.ts> [args...]');
    process.exit(2);
  }
  process.argv.splice(2, 1); // the entry sees its own arguments from argv[2]
  await runTs(resolve(entry), { production });
}
