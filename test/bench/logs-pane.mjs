// Runs the Logs pane bench (logs-pane.ts): bundles it like the shipped console (scripts/build.mjs:
// everything bundled, React in production mode) into a temporary file, then imports it. The bench
// re-runs that same file as its simulator child process.
// Run: node --expose-gc test/bench/logs-pane.mjs [lines=1000000] [service=containerd]
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = mkdtempSync(join(tmpdir(), 'talos-tui-bench-'));
const outfile = join(dir, 'logs-pane.mjs');
// Ink imports react-devtools-core only when DEV=true; it is not installed (same stub as the build).
const devtoolsStub = {
  name: 'stub-react-devtools-core',
  setup(b) {
    b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: "throw new Error('react-devtools-core is not bundled');", loader: 'js' }));
  },
};
await build({
  entryPoints: [resolve('test/bench/logs-pane.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: [...builtinModules, ...builtinModules.map((m) => `node:${m}`)],
  banner: { js: "import {createRequire as __cr} from 'module'; const require = __cr(import.meta.url);" },
  define: { 'process.env.NODE_ENV': '"production"' },
  plugins: [devtoolsStub],
  logLevel: 'error',
});
try {
  await import(pathToFileURL(outfile).href);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
