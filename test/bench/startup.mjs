#!/usr/bin/env node
// Start-up time of the built package: from spawning `node dist/talos-tui.js --demo` to its first
// frame, i.e. the first bytes on the terminal that contain the tab bar ("1 Discovery"). The console
// insists on a terminal, so it runs under util-linux `script` (a pty, 80x24); the baseline runs
// `node -e 0` through the very same harness, so the harness cost is in both figures.
//
//   npm run build && node test/bench/startup.mjs [--runs 15] [--json]
//
// Each command also runs with first-frame-probe.cjs preloaded, which notes the process's own CPU time
// when the frame is written: on a shared, loaded machine that figure moves far less than wall time.
// Floors printed alongside: bundled Ink hello worlds (plain, and with fetch hidden so that yoga decodes its base64 itself, as the built console never calls fetch)
// and Ink + React merely loaded. Target (DESIGN): median under 250 ms on a 2-core CI machine. Loopback only: --demo binds its simulated nodes on 127.0.0.0/8.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const entry = process.env.TALOS_TUI_ENTRY ?? 'dist/talos-tui.js';
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 15;
const asJson = args.includes('--json');
const MARKER = '1 Discovery';
const PROBE = fileURLToPath(new URL('first-frame-probe.cjs', import.meta.url));
const TIMEOUT_MS = 10_000;

if (!existsSync(entry.startsWith("/") ? entry : `${root}/${entry}`)) {
  console.error(`startup bench: ${entry} is missing; run \`npm run build\` first`);
  process.exit(1);
}
try {
  execFileSync('script', ['--version'], { stdio: 'ignore' });
} catch {
  console.error('startup bench: needs util-linux `script` to give the console a terminal');
  process.exit(1);
}

const env = { ...process.env, TERM: 'xterm-256color' };
delete env.CI; // Ink renders only the last frame under CI=true (main.ts also clears it; be explicit)
delete env.NO_COLOR;

/** The ids of the processes the probe was loaded into (node, written when it starts). */
function probedPids(probeFile) {
  try {
    return readFileSync(`${probeFile}.pid`, 'utf8').trim().split('\n').map(Number).filter((pid) => pid > 0);
  } catch {
    return [];
  }
}

/**
 * Resolves once none of these processes (negative: a process group) runs any more, or after 2 s. A
 * zombie has done its exiting: orphans wait for an init that may be slow to reap them.
 */
async function allGone(pids) {
  const alive = (pid) => {
    if (pid > 0) {
      try {
        return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        return false;
      }
    }
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (let waited = 0; waited < 2000 && pids.some(alive); waited += 5) await new Promise((r) => setTimeout(r, 5));
}

/**
 * Milliseconds from spawn until `done(output)` is true (or the process exits, when done is null).
 * The child runs in its own process group, so the whole group (script, shell, node) is killed after.
 */
function timeOne(command, done, { linger = 0, extraEnv = {} } = {}) {
  const probeDir = mkdtempSync(join(tmpdir(), 'talos-tui-startup-probe-'));
  const probeFile = join(probeDir, 'probe');
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('script', ['-qfec', `stty cols 80 rows 24; exec ${command.replace(/^node /, `node --require ${PROBE} `)}`, '/dev/null'], {
      cwd: root,
      env: { ...env, ...extraEnv, STARTUP_PROBE_FILE: probeFile, STARTUP_PROBE_MARKER: done ? MARKER : '' },
      detached: true,
      // stdin stays an open pipe: script would end the session on EOF.
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    let finished = false;
    let lingering = false;
    const finish = (err) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // script(1) runs the command in a session of its own: killing script's group leaves node to
      // notice the hang-up by itself, and a console would go on starting its simulator during the
      // next run. Node is killed by the id its probe wrote, and the next run starts once it is gone.
      const pids = [-child.pid, ...probedPids(probeFile)];
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      allGone(pids).then(() => settle(err, ms));
    };
    const settle = (err, ms) => {
      if (err) {
        rmSync(probeDir, { recursive: true, force: true });
        reject(err);
        return;
      }
      // The probe writes before the frame leaves the process: by now its line is there.
      let probe = [NaN, NaN];
      try {
        probe = readFileSync(probeFile, 'utf8').trim().split(' ').map(Number);
      } catch {
        // no line: reported as NaN
      }
      rmSync(probeDir, { recursive: true, force: true });
      resolve({ ms, inProcessMs: probe[0], cpuMs: probe[1] });
    };
    const timer = setTimeout(() => finish(new Error(`no first frame within ${TIMEOUT_MS} ms; output so far: ${JSON.stringify(output.slice(-300))}`)), TIMEOUT_MS);
    child.stdout.on('data', (chunk) => {
      output += chunk.toString('utf8');
      if (done && done(output) && !lingering) {
        // A warm-up run may stay a moment after its frame: the console writes its code cache then.
        lingering = true;
        if (linger > 0) setTimeout(finish, linger);
        else finish();
      }
    });
    child.on('exit', (code) => {
      if (!done) finish();
      else finish(new Error(`${command} exited (code ${code}) before the first frame: ${JSON.stringify(output.slice(-300))}`));
    });
  });
}

function stats(samples) {
  if (typeof samples[0] === 'object') {
    return { ...stats(samples.map((x) => x.ms)), inProcess: stats(samples.map((x) => x.inProcessMs)), cpu: stats(samples.map((x) => x.cpuMs)) };
  }
  const s = [...samples].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { median: q(0.5), p90: q(0.9), min: s[0], max: s[s.length - 1] };
}

/**
 * Round-robin: one sample of every command per round, so a change in machine load during the run
 * hits every figure alike (these machines are shared; sequential series drift apart).
 */
async function interleaved(specs) {
  for (const spec of specs) {
    const opts = { extraEnv: spec.env };
    await timeOne(spec.command, spec.done, { ...opts, linger: 1500 }); // warm the page cache, write the code cache
    await timeOne(spec.command, spec.done, opts);
  }
  const samples = specs.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (let j = 0; j < specs.length; j++) samples[j].push(await timeOne(specs[j].command, specs[j].done, { extraEnv: specs[j].env }));
  }
  return specs.map((spec, j) => ({ label: spec.label, ...stats(samples[j]), samples: samples[j] }));
}

/**
 * The floors for any Ink app, bundled and minified like ours (esbuild, production React), built into
 * a temporary directory for the run:
 * - hello: a one-line Ink hello world drawing the same marker, as Ink's README writes it;
 * - helloNoFetch: the same with global fetch hidden while Ink loads, as the console avoids it (yoga-layout
 *   otherwise loads its WebAssembly through fetch, i.e. all of undici);
 * - loadOnly: Ink and React imported (fetch hidden), the marker written with process.stdout.write and
 *   no render at all: what loading the libraries alone costs.
 */
async function buildInkFloors() {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'talos-tui-startup-bench-'));
  const hideFetch = "import './hide-fetch';";
  const sources = {
    hello: `import React from 'react'; import { render, Text } from 'ink';
      render(React.createElement(Text, null, ${JSON.stringify(MARKER)})); setTimeout(() => {}, 60000);`,
    helloNoFetch: `${hideFetch} import React from 'react'; import { render, Text } from 'ink';
      render(React.createElement(Text, null, ${JSON.stringify(MARKER)})); setTimeout(() => {}, 60000);`,
    loadOnly: `${hideFetch} import React from 'react'; import { render } from 'ink';
      globalThis.keep = [React, render]; process.stdout.write(${JSON.stringify(MARKER)}); setTimeout(() => {}, 60000);`,
  };
  for (const [name, contents] of Object.entries(sources)) {
    await build({
      stdin: { contents, resolveDir: root, loader: 'js' },
      outfile: join(dir, `${name}.mjs`),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      minify: true,
      banner: { js: "import {createRequire as __cr} from 'module'; const require = __cr(import.meta.url);" },
      define: { 'process.env.NODE_ENV': '"production"' },
      plugins: [
        {
          // Ink imports it only when DEV=true; it is not installed (scripts/build.mjs does the same).
          name: 'no-devtools',
          setup(b) {
            b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'stub' }));
            b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: 'throw new Error("not bundled")', loader: 'js' }));
            // Evaluated before Ink (imports run in order): yoga then decodes its inlined binary itself.
            b.onResolve({ filter: /^\.\/hide-fetch$/ }, () => ({ path: 'hide-fetch', namespace: 'stub-fetch' }));
            b.onLoad({ filter: /.*/, namespace: 'stub-fetch' }, () => ({ contents: 'globalThis.fetch = undefined;', loader: 'js' }));
          },
        },
      ],
      logLevel: 'error',
    });
  }
  return dir;
}

const sawFrame = (out) => out.includes(MARKER);
const floorDir = await buildInkFloors();
let results;
try {
  results = await interleaved([
    { label: 'node -e 0 (same harness)', command: 'node -e 0', done: null },
    { label: 'talos-tui --version', command: `node ${entry} --version`, done: null },
    // A headless command as a shell loop runs it: its chunk comes from the rest pack (no network here).
    { label: 'talos-tui services --help', command: `node ${entry} services --help`, done: null, env: { XDG_CACHE_HOME: join(floorDir, 'cache') } },
    { label: 'Ink hello world: first frame', command: `node ${join(floorDir, 'hello.mjs')}`, done: sawFrame },
    { label: 'Ink hello, fetch hidden', command: `node ${join(floorDir, 'helloNoFetch.mjs')}`, done: sawFrame },
    { label: 'Ink + React loaded, no render', command: `node ${join(floorDir, 'loadOnly.mjs')}`, done: sawFrame },
    // Cache unwritable (its directory would be under a regular file): what the first start after an
    // install or upgrade costs, and what a read-only home always costs.
    { label: '--demo, no code cache', command: `node ${entry} --demo`, done: sawFrame, env: { XDG_CACHE_HOME: join(floorDir, 'hello.mjs') } },
    { label: 'talos-tui --demo: first frame', command: `node ${entry} --demo`, done: sawFrame, env: { XDG_CACHE_HOME: join(floorDir, 'cache') } },
  ]);
} finally {
  rmSync(floorDir, { recursive: true, force: true });
}
const baseline = results[0].median;
const [, , , hello, helloNoFetch, loadOnly, noCache, target] = results;

const cpuBaseline = results[0].cpu.median;
const ratios = (r) => ({ ofNodeE0: r.median / baseline, ofInkHello: r.median / helloNoFetch.median, cpuOfNodeE0: r.cpu.median / cpuBaseline, cpuOfInkHello: r.cpu.median / helloNoFetch.cpu.median });

if (asJson) {
  console.log(JSON.stringify({ runs, baselineMs: baseline, results: results.map((r) => ({ ...r, ratios: ratios(r) })) }, null, 2));
} else {
  const f = (n) => `${n.toFixed(0).padStart(4)} ms`;
  const x = (n) => `${n.toFixed(2)}×`;
  console.log(`start-up, ${runs} interleaved runs each, under script(1) at 80x24 (${process.version}, ${process.platform}, load ${loadavg()[0].toFixed(1)})`);
  console.log(`  ${''.padEnd(32)} wall from spawn (harness included)        | in the process: CPU ms (all threads) at the frame`);
  for (const r of results) {
    const q = ratios(r);
    console.log(
      `  ${r.label.padEnd(32)} median ${f(r.median)} min ${f(r.min)} ${x(q.ofNodeE0).padStart(6)} ${x(q.ofInkHello).padStart(6)} | ` +
        `median ${f(r.cpu.median)} min ${f(r.cpu.min)} ${x(q.cpuOfNodeE0).padStart(6)} ${x(q.cpuOfInkHello).padStart(6)}`,
    );
  }
  console.log('  (ratios: to node -e 0, then to the Ink hello world with fetch hidden)');
  const q = ratios(target);
  console.log(
    `FIRST FRAME: median ${target.median.toFixed(0)} ms, p90 ${target.p90.toFixed(0)} ms: ${x(q.ofNodeE0)} node -e 0 ` +
      `(CPU ${x(q.cpuOfNodeE0)}), ${x(q.ofInkHello)} an Ink hello world with fetch hidden (CPU ${x(q.cpuOfInkHello)}); ` +
      `the plain Ink hello world is ${x(hello.median / baseline)}, loading Ink + React alone ${x(loadOnly.median / baseline)} ` +
      `(CPU ${x(loadOnly.cpu.median / cpuBaseline)}); without its code cache ${x(noCache.median / baseline)} (CPU ${x(noCache.cpu.median / cpuBaseline)}); target < 250 ms`,
  );
}
