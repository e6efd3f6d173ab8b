// Bundles src/cli/main.ts so that `npx talos-tui` loads a few minified files instead of hundreds of
// ESM modules from node_modules:
// - dist/chunks/pack-main.cjs, pack-frame.cjs, pack-rest.cjs: main.ts with everything it reaches, as
//   three classic scripts (see "packs" below), which the bin runs through V8 code caches;
// - dist/chunks/yoga.wasm: Ink's layout engine, compiled in the background while the console loads;
// - dist/talos-tui.js: the small CommonJS bin (src/cli/entry.ts).
// Run with `--metafile` to write dist/meta.json for size analysis.
import { build, transform } from 'esbuild';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';

const started = performance.now();
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist/chunks', { recursive: true });

/** A plugin resolving `specifier` to a module that throws, on load, a missing module's error. */
function missingModule(name, specifier, message, code) {
  return {
    name,
    setup(b) {
      const filter = new RegExp(`^${specifier.replace(/[/.]/g, '\\$&')}$`);
      b.onResolve({ filter }, () => ({ path: specifier, namespace: name }));
      b.onLoad({ filter: /.*/, namespace: name }, () => ({
        contents: `const e = new Error(${JSON.stringify(message)}); e.code = ${JSON.stringify(code)}; throw e;`,
        loader: 'js',
      }));
    },
  };
}

// Ink imports react-devtools-core only when DEV=true; it is not installed, so resolve it to a module
// that fails the way Ink expects (it then prints a hint instead of crashing).
const devtoolsStub = missingModule('stub-react-devtools-core', 'react-devtools-core', 'react-devtools-core is not bundled', 'ERR_MODULE_NOT_FOUND');

// Ink measures every string with string-width, whose first non-ASCII string compiles
// /^\p{RGI_Emoji}$/v (15-25 ms: the first frame has "│" and "…"). Every import of string-width (Ink's
// copy and wrap-ansi's) goes through src/core/narrow-text.ts first, which answers for the characters
// the console draws and hands anything else to that same copy of string-width. That copy is loaded
// (require: initialised on first call) only then: its module-level Intl.Segmenter and Unicode
// property regexps (/v, one of them RGI_Emoji) cost 25-35 ms of CPU when merely imported.
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
        `import { narrowTextWidth } from ${JSON.stringify(join(process.cwd(), 'src/core/narrow-text.ts'))};\n` +
        'let stringWidth;\n' +
        'export default function narrowFirst(text, options) {\n' +
        `  return narrowTextWidth(text, options) ?? (stringWidth ??= require(${JSON.stringify(args.path)}).default)(text, options);\n` +
        '}\n',
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

// ansi-tokenize (Ink tokenizes every line it draws) walks graphemes with an Intl.Segmenter made when
// it loads; the first one in a process loads ICU's break rules (~8 ms of CPU). It gets
// src/core/grapheme-segments.ts instead, which splits the console's usual characters itself
// (checked against Intl.Segmenter in test/unit) and makes the Intl.Segmenter for anything else.
// The same for slice-ansi, which Ink clips lines with (on the first frame too).
const graphemesWithoutIcu = {
  name: 'graphemes-without-icu',
  setup(b) {
    b.onLoad({ filter: /@alcalzone[\/\\]ansi-tokenize[\/\\]build[\/\\]tokenize\.js$/ }, (args) => {
      const from = 'const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });';
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes(from)) throw new Error('graphemes-without-icu: @alcalzone/ansi-tokenize changed: update scripts/build.mjs');
      const lazy = `import { lazyGraphemeSegmenter } from ${JSON.stringify(join(process.cwd(), 'src/core/grapheme-segments.ts'))};\nconst segmenter = lazyGraphemeSegmenter();`;
      return { contents: text.replace(from, lazy), loader: 'js' };
    });
    b.onLoad({ filter: /slice-ansi[\/\\]tokenize-ansi\.js$/ }, (args) => {
      const from = "const GRAPHEME_SEGMENTER = new Intl.Segmenter(undefined, {granularity: 'grapheme'});";
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes(from)) throw new Error('graphemes-without-icu: slice-ansi changed: update scripts/build.mjs');
      const lazy = `import { lazyGraphemeSegmenter } from ${JSON.stringify(join(process.cwd(), 'src/core/grapheme-segments.ts'))};\nconst GRAPHEME_SEGMENTER = lazyGraphemeSegmenter();`;
      return { contents: text.replace(from, lazy), loader: 'js' };
    });
  },
};

// Yoga (Ink's layout engine) instantiates its inlined WebAssembly asynchronously, behind a top-level
// await, which a classic script cannot hold. Its bytes go to dist/chunks/yoga.wasm, which the bin
// starts compiling in the background before it loads the console (src/cli/console-hooks.ts), and
// its index is replaced by one that instantiates that module synchronously through Emscripten's
// instantiateWasm hook; the base64 leaves the Emscripten file, so the bundle carries no copy. Ink's two top-level
// awaits, both taken only when DEV=true, become what they produce in a bundle: the devtools import
// fails as with devtoolsStub, and Ink's package.json is not there to read.
/** Yoga's WebAssembly as the console build found it (yogaSync), written to dist/chunks/yoga.wasm. */
let yogaWasm;
const yogaSync = {
  name: 'yoga-sync',
  setup(b) {
    const dataUri = /H="data:application\/octet-stream;base64,([A-Za-z0-9+/=]+)"/;
    const emscripten = (indexPath) => indexPath.replace(/src[\/\\]index\.js$/, 'binaries/yoga-wasm-base64-esm.js');
    const patch = (text, from, to, where) => {
      if (!text.includes(from)) throw new Error(`yoga-sync: ${where} changed (no ${JSON.stringify(from)}): update scripts/build.mjs`);
      return text.replace(from, to);
    };
    b.onLoad({ filter: /yoga-layout[\/\\]dist[\/\\]src[\/\\]index\.js$/ }, (args) => {
      const base64 = dataUri.exec(readFileSync(emscripten(args.path), 'utf8'))?.[1];
      if (!base64) throw new Error('yoga-sync: no inlined WebAssembly in yoga-layout: update scripts/build.mjs');
      yogaWasm = Buffer.from(base64, 'base64');
      return {
        contents:
          `import loadYoga from ${JSON.stringify(emscripten(args.path))};\n` +
          "import wrapAssembly from './wrapAssembly.js';\n" +
          `import { compiledYoga } from ${JSON.stringify(join(process.cwd(), 'src/cli/console-hooks.ts'))};\n` +
          'const yoga = { instantiateWasm(imports, done) { const i = new WebAssembly.Instance(compiledYoga(), imports); done(i); return i.exports; } };\n' +
          'loadYoga(yoga);\n' +
          "if (!yoga.asm) throw new Error('yoga-layout did not instantiate synchronously');\n" +
          'export default wrapAssembly(yoga);\n' +
          "export * from './generated/YGEnums.js';\n",
        loader: 'js',
        resolveDir: dirname(args.path),
      };
    });
    b.onLoad({ filter: /yoga-layout[\/\\]dist[\/\\]binaries[\/\\]yoga-wasm-base64-esm\.js$/ }, (args) => {
      let text = readFileSync(args.path, 'utf8');
      text = patch(text, dataUri.exec(text)?.[0] ?? '(data URI)', 'H="data:application/octet-stream;base64,"', 'yoga-layout');
      text = patch(text, 'var _scriptDir = import.meta.url;', 'var _scriptDir = undefined;', 'yoga-layout');
      return { contents: text, loader: 'js' };
    });
    b.onLoad({ filter: /ink[\/\\]build[\/\\]reconciler\.js$/ }, (args) => {
      let text = readFileSync(args.path, 'utf8');
      text = patch(text, "await import('./devtools.js');", "throw Object.assign(new Error('react-devtools-core is not bundled'), { code: 'ERR_MODULE_NOT_FOUND' });", 'ink');
      text = patch(text, '? await loadPackageJson()', '? { name: undefined, version: undefined }', 'ink');
      return { contents: text, loader: 'js' };
    });
  },
};

// Builtins Ink and its dependencies load before the first frame but need only in rare cases are loaded
// on first need instead: child_process (terminal-size runs `tput`/`stty` only when stdout has no size),
// assert (signal-exit 3 checks its callback's type), and perf_hooks, which the first read of the global
// `performance` loads (~1.2 ms) and Ink reads on every render only to time it for an onRender
// option the console does not pass. Each costs ~1 ms before the first frame.
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    const patches = [
      [/terminal-size[\/\\]index\.js$/, "import {execFileSync} from 'node:child_process';", "const execFileSync = (...args) => require('node:child_process').execFileSync(...args);"],
      [/signal-exit[\/\\]index\.js$/, "var assert = require('assert')", "var assert = { equal: function (a, b, message) { if (a != b) require('assert').equal(a, b, message) } }"],
      [/ink[\/\\]build[\/\\]ink\.js$/, 'const startTime = performance.now();', 'const startTime = this.options.onRender ? performance.now() : 0;'],
      [/scheduler[\/\\]cjs[\/\\]scheduler\.production\.js$/, 'if ("object" === typeof performance && "function" === typeof performance.now) {\n  var localPerformance = performance;\n  exports.unstable_now = function () {\n    return localPerformance.now();\n  };\n}', 'if (true) {\n  var hrtime = process.hrtime, hrStart = hrtime();\n  exports.unstable_now = function () {\n    var t = hrtime(hrStart);\n    return t[0] * 1e3 + t[1] / 1e6;\n  };\n}'],
    ];
    for (const [filter, from, to] of patches) {
      b.onLoad({ filter }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes(from)) throw new Error(`lazy-builtins: ${args.path} changed: update scripts/build.mjs`);
        return { contents: text.replace(from, to), loader: 'js' };
      });
    }
  },
};


// grpc-js requires @grpc/proto-loader (and with it protobufjs, ~130 KB) only to describe its channelz
// and ORCA services, which talos-tui never serves: the require fails as a missing module would.
const noProtoLoader = missingModule('no-proto-loader', '@grpc/proto-loader', '@grpc/proto-loader is not bundled (channelz and ORCA are not served)', 'MODULE_NOT_FOUND');

// Inside the bundle, Ink's ~30 modules import React (CommonJS) the same way: they get one ES
// module re-exporting React's names instead.
const reactOnce = {
  name: 'react-once',
  setup(b) {
    b.onResolve({ filter: /^react$/ }, async (args) => {
      if (args.kind !== 'import-statement' || args.pluginData === 'real') return undefined;
      const real = await b.resolve('react', { resolveDir: args.resolveDir, kind: args.kind, pluginData: 'real' });
      if (real.errors.length > 0) return undefined;
      return { path: real.path, namespace: 'react-once' };
    });
    b.onLoad({ filter: /.*/, namespace: 'react-once' }, (args) => {
      const names = exportNames(createRequire(args.path)(args.path));
      return {
        contents: `import React from ${JSON.stringify(args.path)};\nexport default React;\nexport const { ${names.join(', ')} } = React;\n`,
        loader: 'js',
        resolveDir: dirname(args.path),
      };
    });
  },
};

/** An object's own names that can be exported as ES bindings. */
function exportNames(object) {
  return Object.keys(object).filter((name) => name !== 'default' && name !== '__esModule' && /^[A-Za-z_$][\w$]*$/.test(name));
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  metafile: true,
  // Only node builtins stay external: the tarball ships no node_modules of its own.
  external: [...builtinModules, ...builtinModules.map((m) => `node:${m}`)],
  define: {
    'process.env.NODE_ENV': '"production"',
    __TALOS_TUI_VERSION__: JSON.stringify(pkg.version),
  },
  logLevel: 'warning',
};

// The packages bundled into dist (package.json lists them as devDependencies: the published package
// needs nothing from node_modules): their licences go with the code, in dist/THIRD-PARTY-NOTICES.md.
function thirdPartyNotices(inputs) {
  const roots = new Set();
  for (const input of inputs) {
    const m = /(?:^|:)(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) roots.add(m[1].replace(/^.*?(node_modules\/)/, '$1'));
  }
  const sections = [...roots].sort().map((root) => {
    const pkgJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const file = readdirSync(root).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
    const heading = `## ${pkgJson.name} ${pkgJson.version}: ${pkgJson.license ?? "no licence field"}`;
    if (file) return `${heading}\n\n${readFileSync(join(root, file), 'utf8').trim()}\n`;
    const home = typeof pkgJson.repository === 'string' ? pkgJson.repository : (pkgJson.repository?.url ?? pkgJson.homepage ?? 'its npm page');
    return `${heading}\n\nThe npm package ships no licence text; see ${home}.\n`;
  });
  return `# Third-party software in talos-tui's dist/\n\nThe bundle includes code from these packages, under their licences.\n\n${sections.join('\n')}`;
}

// talos-tui runs from three classic scripts of CommonJS-shaped chunks ("packs"), which the bin
// (src/cli/entry.ts) runs through V8 code caches (src/cli/packs.ts, code-cache.ts):
// - chunks/pack-main.cjs: main.ts and what it imports statically (argument parsing, the command
//   table): enough for --version and --help;
// - chunks/pack-frame.cjs: what the console's first frame needs on top (app.tsx, React, Ink, yoga's
//   glue, the shell), read only by the console, before its first frame;
// - chunks/pack-rest.cjs: everything else (the panes, the commands, grpc-js, the simulator), read
//   when something of it is first imported: by the console right after its first frame, by a
//   headless command when main.ts loads the command.
// main.ts is bundled as split ES modules (so each module is in exactly one chunk: React, Ink,
// terminal.ts, the buffer budget... exist once), and each chunk becomes a CommonJS function
// (imports become require('./chunk.js'), dynamic imports a promise of it). No ES module graph to
// link (that cost ~18 ms before the console's first frame and ~20 ms of each headless command) and
// nothing compiled again; and what a run does not need is not read (2 MB of script text cost ~3 ms).
const packs = await (async () => {
  const split = await build({
    ...common,
    entryPoints: { main: 'src/cli/main.ts' },
    outdir: 'dist/split',
    write: false,
    format: 'esm',
    splitting: true,
    chunkNames: '[name]-[hash]',
    // main.ts reads import.meta.url only when run from source.
    logOverride: { 'empty-import-meta': 'silent' },
    plugins: [reactOnce, devtoolsStub, noProtoLoader, narrowTextFirst, styledCharsJoin, graphemesWithoutIcu, yogaSync, lazyBuiltins],
  });
  if (process.argv.includes('--metafile')) writeFileSync('dist/meta.json', JSON.stringify(split.metafile));
  const outputs = split.metafile.outputs;
  const chunks = Object.keys(outputs).filter((k) => k.endsWith('.js'));
  const id = (k) => `./${k.split('/').pop()}`;
  const entryOf = (source) => {
    const found = chunks.find((k) => outputs[k].entryPoint === source);
    if (!found) throw new Error(`build: no chunk for ${source}`);
    return found;
  };
  const inputsOf = (keys) => [...keys].flatMap((k) => Object.keys(outputs[k].inputs));
  // Self-contained: the chunks load one another and node builtins, nothing else.
  for (const k of chunks) {
    const outside = outputs[k].imports.filter((i) => !i.external && !chunks.includes(i.path)).map((i) => i.path);
    if (outside.length > 0) throw new Error(`chunk ${k} loads ${outside.join(', ')}: talos-tui may load only its chunks and node builtins`);
  }
  // One React, one Ink (inputs in a plugin's namespace are the re-exporting wrappers, not copies).
  for (const main of ['react/index.js', 'ink/build/index.js']) {
    const copies = inputsOf(chunks).filter((i) => !i.includes(':') && i.endsWith(`node_modules/${main}`));
    if (copies.length !== 1) throw new Error(`the build must hold exactly one ${main} (holds ${copies.join(', ') || 'none'})`);
  }
  const closure = (from, into = new Set()) => {
    if (into.has(from)) return into;
    into.add(from);
    for (const i of outputs[from].imports) if (i.kind === 'import-statement' && !i.external) closure(i.path, into);
    return into;
  };
  const mainSet = closure(entryOf('src/cli/main.ts'));
  const frameSet = new Set([...closure(entryOf('src/cli/app.tsx'))].filter((k) => !mainSet.has(k)));
  const packOf = (k) => (mainSet.has(k) ? 'main' : frameSet.has(k) ? 'frame' : 'rest');
  // Only the console draws: the headless commands (each a chunk main.ts imports on demand) must not
  // import the frame pack statically, or --version's neighbours would read and run React and Ink.
  const commands = chunks.filter((k) => /^src\/cli\/commands\/[^/]+\.ts$/.test(outputs[k].entryPoint ?? ''));
  if (commands.length === 0) throw new Error('build: found no command chunks (src/cli/commands/*.ts): update scripts/build.mjs');
  for (const k of commands) {
    const drawing = [...closure(k)].filter((c) => frameSet.has(c));
    if (drawing.length > 0) throw new Error(`the command ${outputs[k].entryPoint} imports the console's frame pack statically (${drawing.join(', ')}): headless runs would load React and Ink`);
  }
  const drawingLibs = inputsOf([...mainSet]).filter((i) => /node_modules\/(react|react-reconciler|ink|yoga-layout)\//.test(i));
  if (drawingLibs.length > 0) throw new Error(`the main pack must not hold the console's libraries (holds ${drawingLibs.slice(0, 5).join(', ')})`);
  // ...and the network and the simulator stay out of what the console reads before its first frame.
  const early = inputsOf([...mainSet, ...frameSet]).filter((i) => /node_modules\/@grpc\/|^src\/(sim|talos\/client)/.test(i));
  if (early.length > 0) throw new Error(`the main and frame packs must not hold ${early.slice(0, 5).join(', ')}: something main.ts or app.tsx imports statically reaches them`);

  const texts = new Map(split.outputFiles.map((f) => [f.path.slice(process.cwd().length + 1), f.text]));
  const writePack = async (name) => {
    const parts = [];
    for (const k of chunks.filter((c) => packOf(c) === name)) {
      // format cjs: `import` becomes require('./chunk.js'), `export` module.exports; import() becomes
      // a promise of require() (packs.ts reads the pack holding the chunk on its first require).
      const { code } = await transform(texts.get(k), {
        format: 'cjs', platform: 'node', target: 'node20', minifyWhitespace: true, supported: { 'dynamic-import': false },
        logLevel: 'warning', logOverride: { 'empty-import-meta': 'silent' },
      });
      parts.push(`${JSON.stringify(id(k))}:function(exports,require,module){${code}\n}`);
    }
    const file = `pack-${name}.cjs`;
    const text = `(function (exports, require, module) {module.exports={${parts.join(',\n')}};\n})`;
    // The bin compiles the file as it is: one function expression, ASCII, so read as Latin-1.
    const wide = /[^\x00-\x7f]/.exec(text);
    if (wide) {
      const around = text.slice(Math.max(0, wide.index - 60), wide.index + 20);
      throw new Error(`${file} must be ASCII (esbuild escapes strings, not regular expressions: write \\u escapes there); found ${JSON.stringify(wide[0])} in ...${around}...`);
    }
    writeFileSync(`dist/chunks/${file}`, text);
    return createHash('sha256').update(text).digest('hex');
  };
  if (!yogaWasm) throw new Error('yoga-sync: the build found no yoga-layout: update scripts/build.mjs');
  writeFileSync('dist/chunks/yoga.wasm', yogaWasm);
  writeFileSync('dist/THIRD-PARTY-NOTICES.md', thirdPartyNotices(Object.keys(split.metafile.inputs)));
  return {
    main: id(entryOf('src/cli/main.ts')),
    sha256: { main: await writePack('main'), frame: await writePack('frame'), rest: await writePack('rest') },
    chunks: Object.fromEntries(chunks.map((k) => [id(k), packOf(k)])),
  };
})();

// The bin, src/cli/entry.ts, is CommonJS (dist/package.json says so): an ES module entry costs
// ~4 ms more before anything runs, and nothing after it is an ES module.
const entryBuild = await build({
  ...common,
  define: { ...common.define, __PACKS__: JSON.stringify(packs) },
  entryPoints: ['src/cli/entry.ts'],
  outfile: 'dist/talos-tui.js',
  format: 'cjs',
  banner: { js: '#!/usr/bin/env node' },
});
writeFileSync('dist/package.json', `${JSON.stringify({ type: 'commonjs' })}\n`);
{
  const inputs = Object.keys(entryBuild.metafile.outputs['dist/talos-tui.js'].inputs);
  const unexpected = inputs.filter((i) => !/^(src\/(cli\/(entry|code-cache|console-hooks|packs|split-command)\.ts|io\/atomic-file\.ts)|<define:__PACKS__>)$/.test(i));
  if (unexpected.length > 0) throw new Error(`the bin must stay small; it bundles ${unexpected.join(', ')}`);
}

chmodSync('dist/talos-tui.js', 0o755);

const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
const size = (pack) => kib(statSync(`dist/chunks/pack-${pack}.cjs`).size);
console.log(
  `built dist/talos-tui.js (${kib(statSync('dist/talos-tui.js').size)}), packs main ${size('main')}, frame ${size('frame')}, rest ${size('rest')} ` +
    `(${Object.keys(packs.chunks).length} chunks) in ${Math.round(performance.now() - started)} ms`,
);
