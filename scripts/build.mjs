// Bundles src/cli/main.ts into dist/talos-tui.js (+ dist/chunks/) so that `npx talos-tui` loads a few
// minified files instead of hundreds of ESM modules from node_modules.
//
// Code splitting: main.ts only parses argv; the console (Ink + React), each pane, the headless
// commands, the Talos client (grpc-js) and the simulator sit behind dynamic imports and end up in
// their own chunks, so `--version` loads almost nothing and the console's first frame does not wait
// for grpc-js. Run with `--metafile` to write dist/meta.json for size analysis.
import { build } from 'esbuild';
import { chmodSync, readFileSync, rmSync, statSync, readdirSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

const started = performance.now();
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

rmSync('dist', { recursive: true, force: true });

// Ink imports react-devtools-core only when DEV=true; it is not installed, so resolve it to a module
// that fails the way Ink expects (it then prints a hint instead of crashing).
const devtoolsStub = {
  name: 'stub-react-devtools-core',
  setup(b) {
    b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
      contents: "const e = new Error('react-devtools-core is not bundled'); e.code = 'ERR_MODULE_NOT_FOUND'; throw e;",
      loader: 'js',
    }));
  },
};

// Ink measures every string with string-width, whose first non-ASCII string compiles
// /^\p{RGI_Emoji}$/v (15-25 ms: the first frame has "│" and "…"). Every import of string-width (Ink's
// copy and wrap-ansi's) goes through src/core/narrow-text.ts first, which answers for the characters
// the console draws and hands anything else to that same copy of string-width.
const narrowTextFirst = {
  name: 'narrow-text-first',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.pluginData === 'real') return undefined;
      const real = await b.resolve('string-width', { resolveDir: args.resolveDir, kind: args.kind, pluginData: 'real' });
      if (real.errors.length > 0) return undefined;
      return { path: real.path, namespace: 'narrow-text-first' };
    });
    b.onLoad({ filter: /.*/, namespace: 'narrow-text-first' }, (args) => ({
      contents:
        `import stringWidth from ${JSON.stringify(args.path)};\n` +
        `import { narrowTextWidth } from ${JSON.stringify(join(process.cwd(), 'src/core/narrow-text.ts'))};\n` +
        'export default function narrowFirst(text, options) { return narrowTextWidth(text, options) ?? stringWidth(text, options); }\n',
      loader: 'js',
      resolveDir: process.cwd(),
    }));
  },
};

// Ink serialises every line of every frame with @alcalzone/ansi-tokenize's styledCharsToString,
// which diffs styles per character even between identical neighbours (a third of the first frame).
// Importers get the library with that one function replaced by src/core/styled-chars.ts, which
// writes the same string (test/unit/styled-chars.test.ts) using the library's own diff.
const styledCharsJoin = {
  name: 'styled-chars-join',
  setup(b) {
    b.onResolve({ filter: /^@alcalzone\/ansi-tokenize$/ }, async (args) => {
      if (args.pluginData === 'real') return undefined;
      const real = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, pluginData: 'real' });
      if (real.errors.length > 0) return undefined;
      return { path: real.path, namespace: 'styled-chars-join' };
    });
    b.onLoad({ filter: /.*/, namespace: 'styled-chars-join' }, (args) => ({
      contents:
        `export * from ${JSON.stringify(args.path)};\n` +
        `import { ansiCodesToString, diffAnsiCodes } from ${JSON.stringify(args.path)};\n` +
        `import { joinStyledChars } from ${JSON.stringify(join(process.cwd(), 'src/core/styled-chars.ts'))};\n` +
        'export function styledCharsToString(chars) { return joinStyledChars(chars, diffAnsiCodes, ansiCodesToString); }\n',
      loader: 'js',
      resolveDir: process.cwd(),
    }));
  },
};

const result = await build({
  entryPoints: { 'talos-tui': 'src/cli/main.ts' },
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  metafile: true,
  // Only node builtins stay external: the tarball ships no node_modules of its own.
  external: [...builtinModules, ...builtinModules.map((m) => `node:${m}`)],
  // The shebang must be line 1; the createRequire shim lets bundled CommonJS (grpc-js, node-forge,
  // react) call require() for node builtins from inside an ES module.
  banner: {
    js: "#!/usr/bin/env node\nimport {createRequire as __cr} from 'module'; const require = __cr(import.meta.url);",
  },
  define: {
    'process.env.NODE_ENV': '"production"',
    __TALOS_TUI_VERSION__: JSON.stringify(pkg.version),
  },
  plugins: [devtoolsStub, narrowTextFirst, styledCharsJoin],
  logLevel: 'warning',
});

chmodSync('dist/talos-tui.js', 0o755);
if (process.argv.includes('--metafile')) writeFileSync('dist/meta.json', JSON.stringify(result.metafile));

// Report what start-up has to read: the entry and the chunks it imports statically.
const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
const entry = result.metafile.outputs['dist/talos-tui.js'];
const staticImports = entry.imports.filter((i) => i.kind === 'import-statement').map((i) => i.path);
const total = readdirSync('dist/chunks').reduce((sum, f) => sum + statSync(join('dist/chunks', f)).size, 0);
console.log(
  `built dist/talos-tui.js (${kib(statSync('dist/talos-tui.js').size)}, ${staticImports.length} static chunk(s)) + ` +
    `${readdirSync('dist/chunks').length} chunks (${kib(total)}) in ${Math.round(performance.now() - started)} ms`,
);
