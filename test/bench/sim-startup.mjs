#!/usr/bin/env node
// Start-up time of the simulator as shipped: from spawning `node dist/talos-tui.js sim ...` until it
// prints "Press Ctrl-C to stop." (every node listening, its certificates issued, the talosconfig
// written), then SIGINT. Wall time, and the process's own CPU time (user+system from /proc at that
// moment), which moves far less than wall time on a shared machine. Each run is a fresh process, so
// process-wide caches (the key pool) start empty as they do for a user.
//
// Two shapes per size N: "N configured" (`sim --nodes N`: two maintenance nodes beside them, one
// shared leaf key) and "N maintenance" (`sim --nodes 0 --maintenance N`: one key per node).
// Builds side by side, interleaved run by run so a load spike hits both alike:
//
//   npm run build && node test/bench/sim-startup.mjs [--nodes 3,100,500] [--runs 3] [--builds main=/tmp/main/dist/talos-tui.js,branch=dist/talos-tui.js]
//
// Loopback only: each run listens on a random 127.X.Y.1 with room for the /24s after it.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const flag = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const sizes = flag('nodes', '3,100,500').split(',').map(Number);
const runs = Number(flag('runs', '3'));
const builds = flag('builds', 'branch=dist/talos-tui.js')
  .split(',')
  .map((pair) => {
    const [label, path] = pair.split('=');
    if (!existsSync(path)) throw new Error(`sim-startup bench: ${path} is missing; run \`npm run build\` first`);
    return { label, path };
  });
const READY = 'Press Ctrl-C to stop.';
const TIMEOUT_MS = 120_000;
const TICKS_PER_S = 100; // USER_HZ on Linux

/** user+system CPU seconds of a live process, from /proc/PID/stat (fields 14 and 15). */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
}

/** A /24 with 6 free /24s after it (500 configured nodes take 6), away from the demo's 127.0.X.0. */
const randomListen = () => `127.${2 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 240)}.1`;

function startOnce(entry, simArgs) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [entry, 'sim', ...simArgs, '--listen', randomListen(), '--talosconfig-out', join(tmpdir(), `sim-startup-bench-${process.pid}.yaml`)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let result;
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.stdout.on('data', (d) => {
      out += d;
      if (!result && out.includes(READY)) {
        result = { wallMs: performance.now() - started, cpuMs: cpuSeconds(child.pid) * 1000 };
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (result) resolve(result);
      else reject(new Error(`sim exited (${code ?? signal}) before it was ready: ${err.trim().split('\n').at(-1) ?? ''}`));
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`sim start-up, median of ${runs} fresh processes; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const shapes = sizes.flatMap((n) => [
  { name: `${n} configured`, args: ['--nodes', String(n)] },
  { name: `${n} maintenance`, args: ['--nodes', '0', '--maintenance', String(n)] },
]);
const header = ['shape', ...builds.flatMap((b) => [`${b.label} wall ms`, `${b.label} cpu ms`])];
if (builds.length === 2) header.push(`${builds[1].label}/${builds[0].label} wall`, 'cpu');
const rows = [header];
for (const shape of shapes) {
  const samples = builds.map(() => ({ wall: [], cpu: [] }));
  for (let r = 0; r < runs; r++) {
    for (const [i, b] of builds.entries()) {
      const { wallMs, cpuMs } = await startOnce(b.path, shape.args);
      samples[i].wall.push(wallMs);
      samples[i].cpu.push(cpuMs);
    }
  }
  const row = [shape.name, ...samples.flatMap((s) => [median(s.wall).toFixed(0), median(s.cpu).toFixed(0)])];
  if (builds.length === 2) row.push((median(samples[1].wall) / median(samples[0].wall)).toFixed(2), (median(samples[1].cpu) / median(samples[0].cpu)).toFixed(2));
  rows.push(row);
  console.log(row.join('  '));
}
const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
console.log('\n' + rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n'));
