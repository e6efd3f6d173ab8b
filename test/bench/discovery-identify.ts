// Discovery scan + identify benchmark: prints figures, asserts nothing. Loopback (127.0.0.0/8) only.
//   node test/bench/run.mjs test/bench/discovery-identify.ts [--runs 5]
// A /24 holding 4 simulated maintenance nodes (real gRPC over TLS). Side by side, in the same run:
// - talos-tui `discover --json` in-process (as the console runs it): scan + identify of every node
//   (one TLS handshake per node, then Version, MachineStatus, links, disks over it), with the
//   scan/identify split;
// - the same as a whole process: this bench's bundle re-run as a child (node start + module load),
//   and `node dist/talos-tui.js discover` when dist/ exists and has the command;
// - `nmap -sT -Pn -n -p PORT --open` over the same /24 (a scan only: it identifies nothing).
// Medians over --runs, after one warm-up run that is reported on its own (first TLS, grpc-js load).
// The simulator runs in a child process of its own, so its server-side TLS and RPC work is not
// counted against talos-tui (nmap does not pay for it either).

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { command } from '../../src/cli/commands/discover.js';
import { discover } from '../../src/ops/discover.js';
import { parseTargets } from '../../src/core/targets.js';
import { startSimCluster } from '../../src/sim/index.js';
import type { DiscoverJson } from '../../src/ops/discover-report.js';
import { freeLoopback24 } from '../helpers/loopback.js';

const SELF = fileURLToPath(import.meta.url);
const PORT = 20000 + Math.floor(Math.random() * 12000); // below the ephemeral range, away from 50000
const HOME = mkdtempSync(join(tmpdir(), 'talos-tui-bench-home-')); // no talosconfig: maintenance needs none

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

async function runCommand(args: string[]): Promise<{ ms: number; out: DiscoverJson }> {
  let text = '';
  const stdout = new Writable({ write: (chunk, _enc, cb) => ((text += String(chunk)), cb()) });
  const stderr = new Writable({ write: (_chunk, _enc, cb) => cb() });
  const started = performance.now();
  const code = await command.run(args, { stdout, stderr, env: { HOME } });
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`discover exited ${code}`);
  return { ms, out: JSON.parse(text) as DiscoverJson };
}

/** Sim mode: serve 4 maintenance nodes until stdin closes. */
async function simChild(base: string, port: number): Promise<void> {
  const sim = await startSimCluster({ configured: 0, maintenance: 4, listen: `${base}.1`, port, onePortPerNode: false });
  process.stdout.write('ready\n');
  process.stdin.resume();
  process.stdin.on('end', () => void sim.stop().then(() => process.exit(0)));
}

/** Starts the sim child; resolves when its nodes listen. */
function startSim(base: string, port: number): Promise<{ stop(): void }> {
  const proc = spawn(process.execPath, [SELF, '--sim', base, String(port)], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    proc.once('error', reject);
    proc.once('exit', (code) => reject(new Error(`sim child exited ${code}`)));
    proc.stdout.once('data', () => resolve({ stop: () => proc.stdin.end() }));
  });
}

/** Child mode: run the command as the real CLI would, JSON to stdout. */
async function child(args: string[]): Promise<void> {
  const code = await command.run(args, { stdout: process.stdout, stderr: process.stderr, env: { HOME } });
  process.stdout.write('', () => process.exit(code));
}

function wall(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ ms: number; out: string; code: number | null }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const proc = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME, ...env } });
    let out = '';
    proc.stdout.on('data', (c) => (out += c));
    proc.stderr.on('data', () => {});
    proc.on('error', reject);
    proc.on('close', (code) => resolve({ ms: performance.now() - started, out, code }));
  });
}

const maintenanceFound = (out: DiscoverJson) => out.nodes.filter((n) => n.maintenance && n.macs.length > 0 && n.talosVersion).length;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const childAt = args.indexOf('--child');
  if (childAt >= 0) return child(args.slice(childAt + 1));
  const simAt = args.indexOf('--sim');
  if (simAt >= 0) return simChild(args[simAt + 1], Number(args[simAt + 2]));
  const runs = Number(args.includes('--runs') ? args[args.indexOf('--runs') + 1] : 5);

  const base = await freeLoopback24();
  const sim = await startSim(base, PORT);
  const target = `${base}.0/24`;
  const cliArgs = [target, '--port', String(PORT), '--json'];
  const lines: string[] = [];
  try {
    // Warm-up: the first scan pays for TLS contexts and grpc-js's lazy set-up.
    const cold = await runCommand(cliArgs);
    // Ours and nmap alternate, so both see the same machine load; the ratio is also taken per pair.
    const inproc: number[] = [];
    const found: number[] = [];
    const split: Array<{ scan: number; total: number }> = [];
    const nmapRuns: Array<{ wall: number; own: number; found: number }> = [];
    const nmapPresent = has('nmap');
    for (let i = 0; i < runs; i++) {
      const r = await runCommand(cliArgs);
      inproc.push(r.ms);
      found.push(maintenanceFound(r.out));
      if (nmapPresent) {
        const started = performance.now();
        const out = execFileSync('nmap', ['-sT', '-Pn', '-n', '-p', String(PORT), '--open', '-oG', '-', target], { encoding: 'utf8' });
        nmapRuns.push({
          wall: performance.now() - started,
          own: Number(/scanned in ([0-9.]+) seconds/.exec(out)?.[1] ?? NaN) * 1000,
          found: out.split('\n').filter((l) => l.includes(`${PORT}/open`)).length,
        });
      }
      const d = await discover({ targets: parseTargets([target]), port: PORT });
      split.push({ scan: d.scan.elapsedMs, total: d.elapsedMs });
    }

    const childRuns: number[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await wall([process.execPath, SELF, '--child', ...cliArgs]);
      if (r.code !== 0) throw new Error(`child exited ${r.code}`);
      childRuns.push(r.ms);
    }

    const distPath = 'dist/talos-tui.js';
    const distRuns: number[] = [];
    let distNote = 'dist/talos-tui.js not built (npm run build)';
    if (existsSync(distPath)) {
      for (let i = 0; i < runs; i++) {
        const r = await wall([process.execPath, distPath, 'discover', ...cliArgs]);
        try {
          if (r.code !== 0 || maintenanceFound(JSON.parse(r.out) as DiscoverJson) !== 4) throw new Error();
          distRuns.push(r.ms);
        } catch {
          distNote = `dist/talos-tui.js discover did not find the 4 nodes (exit ${r.code}): rebuild dist (npm run build)`;
          break;
        }
      }
    }

    const f = (ms: number) => `${Math.round(ms)} ms`;
    const ours = median(inproc);
    lines.push(`/24 ${target} on loopback, 4 simulated maintenance nodes on port ${PORT}, ${runs} runs, medians`);
    lines.push(`  talos-tui discover in-process (scan + identify, as the console): ${f(ours)}; maintenance nodes identified ${found.join('/')} of 4`);
    lines.push(`    of which the TCP scan ${f(median(split.map((s) => s.scan)))}, scan + identify ${f(median(split.map((s) => s.total)))} (pipeline only); cold first run ${f(cold.ms)}`);
    lines.push(`  talos-tui whole process, from source bundle (node start + load + scan + identify): ${f(median(childRuns))}`);
    lines.push(distRuns.length > 0 ? `  talos-tui whole process, node dist/talos-tui.js discover: ${f(median(distRuns))}` : `  ${distNote}`);
    if (nmapRuns.length > 0) {
      const nmapWall = median(nmapRuns.map((r) => r.wall));
      lines.push(`  nmap -sT -Pn -n --open whole process (scan only): ${f(nmapWall)} (its own "scanned in": ${f(median(nmapRuns.map((r) => r.own)))}); found ${nmapRuns.map((r) => r.found).join('/')} of 4`);
      lines.push(`  ratio in-process scan+identify / nmap whole process: ${(ours / nmapWall).toFixed(2)} of the medians, ${median(inproc.map((v, i) => v / nmapRuns[i].wall)).toFixed(2)} median of run pairs  (goal <= 1.00)`);
      lines.push(`  ratio whole process (source bundle) / nmap whole process: ${(median(childRuns) / nmapWall).toFixed(2)}`);
      if (distRuns.length > 0) lines.push(`  ratio whole process (dist) / nmap whole process: ${(median(distRuns) / nmapWall).toFixed(2)}  (Node start-up is in it)`);
    } else {
      lines.push('  nmap: not installed, column skipped (Debian: apt-get install nmap)');
    }
  } finally {
    sim.stop();
    rmSync(HOME, { recursive: true, force: true });
  }
  console.log(`\n=== discovery scan + identify benchmark (node ${process.version}, ${cpus().length} CPUs, load ${loadavg()[0].toFixed(2)}) ===`);
  for (const line of lines) console.log(line);
}

await main();
