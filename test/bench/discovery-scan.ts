// Discovery scan benchmark: prints figures, asserts nothing. Loopback (127.0.0.0/8) only.
//   node test/bench/run.mjs test/bench/discovery-scan.ts [--parts a,b,c] [--runs 3] [--engine auto|binding|net]
// (a) a /24 with 4 listeners: our scan vs `nmap -sT -Pn -n -p PORT --open`, same run, ratio.
// (b) a /24 whose connects hang (SYN dropped inside a network namespace this bench creates and
//     always deletes), timeout 1000 ms: elapsed / timeout. Needs root, ip and iptables or nft.
// (c) a /16 sweep where everything is refused: hosts/s and peak RSS of the scanning process.
// Every scan runs in a fresh child process so RSS and timing are its own.

import net from 'node:net';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseTargets } from '../../src/core/targets.js';
import { scanPorts, type ScanOptions } from '../../src/talos/portscan.js';
import { freeLoopback24 } from '../helpers/loopback.js';

let ENGINE: NonNullable<ScanOptions['engine']> = 'auto';

const SELF = fileURLToPath(import.meta.url);
const PORT = 20000 + Math.floor(Math.random() * 12000); // below the ephemeral range, away from 50000
// (b) runs in its own network namespace; (c) sweeps a whole random /16 that nothing is expected to answer in.
const octet = () => Math.floor(Math.random() * 200) + 20;

interface ChildReport {
  probed: number;
  elapsedMs: number;
  open: string[];
  timedOut: number;
  errors: Record<string, number>;
  concurrency: number;
  engine: string;
  maxRssMB: number;
}

/** Child mode: scan and print one JSON line. */
async function child(target: string, port: number, timeoutMs: number, engine: ScanOptions['engine']): Promise<void> {
  const result = await scanPorts({ targets: parseTargets([target], { force: true }), port, timeoutMs, engine });
  const report: ChildReport = {
    probed: result.probed,
    elapsedMs: result.elapsedMs,
    open: result.open.map((o) => o.ip),
    timedOut: result.timedOut,
    errors: result.errors,
    concurrency: result.concurrency,
    engine: result.engine,
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

/** Runs a scan child (optionally behind a prefix such as `ip netns exec NS`); returns its report and wall time. */
function runChild(prefix: string[], target: string, timeoutMs: number): Promise<{ report: ChildReport; wallMs: number }> {
  const argv = [...prefix, process.execPath, SELF, '--child', target, String(PORT), String(timeoutMs), ENGINE];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const proc = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (chunk) => (out += chunk));
    proc.on('error', reject);
    proc.on('close', (code) => {
      const wallMs = Math.round(performance.now() - started);
      if (code !== 0) reject(new Error(`scan child exited with ${code}`));
      else resolve({ report: JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as ChildReport, wallMs });
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

async function partA(runs: number, lines: string[]): Promise<void> {
  const net24 = await freeLoopback24();
  const hosts = [5, 60, 128, 200].map((h) => `${net24}.${h}`);
  const servers = await Promise.all(
    hosts.map(
      (host) =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer((s) => s.destroy());
          server.once('error', reject);
          server.listen(PORT, host, () => resolve(server));
        }),
    ),
  );
  try {
    const ours: Array<{ scan: number; wall: number; found: number }> = [];
    const nmap: Array<{ wall: number; own: number; found: number }> = [];
    const nodeFloor: number[] = [];
    const nmapPresent = has('nmap');
    for (let i = 0; i < runs; i++) {
      const { report, wallMs } = await runChild([], `${net24}.0/24`, 1000);
      ours.push({ scan: report.elapsedMs, wall: wallMs, found: report.open.length });
      const floorStart = performance.now();
      execFileSync(process.execPath, ['-e', '0']);
      nodeFloor.push(Math.round(performance.now() - floorStart));
      if (nmapPresent) {
        const started = performance.now();
        const out = execFileSync('nmap', ['-sT', '-Pn', '-n', '-p', String(PORT), '--open', '-oG', '-', `${net24}.0/24`], { encoding: 'utf8' });
        const wall = Math.round(performance.now() - started);
        const own = Number(/scanned in ([0-9.]+) seconds/.exec(out)?.[1] ?? NaN) * 1000;
        nmap.push({ wall, own, found: out.split('\n').filter((l) => l.includes(`${PORT}/open`)).length });
      }
    }
    const oursScan = median(ours.map((r) => r.scan));
    const oursWall = median(ours.map((r) => r.wall));
    lines.push(`(a) /24 on loopback, 4 listeners, port ${PORT}, ${runs} runs, medians`);
    lines.push(`    talos-tui scan in-process (as in the console): ${oursScan} ms; found ${ours.map((r) => r.found).join('/')} of 4`);
    lines.push(`    talos-tui whole process (node start + load + scan): ${oursWall} ms; bare \`node -e 0\`: ${median(nodeFloor)} ms`);
    if (nmapPresent) {
      const nmapWall = median(nmap.map((r) => r.wall));
      lines.push(
        `    nmap -sT -Pn -n --open whole process: ${nmapWall} ms (nmap's own "scanned in": ${median(nmap.map((r) => r.own))} ms); ` +
          `found ${nmap.map((r) => r.found).join('/')} of 4`,
      );
      lines.push(`    ratio scan in-process / nmap whole process: ${(oursScan / nmapWall).toFixed(2)}  (goal <= 1.00)`);
      lines.push(`    ratio whole process / nmap whole process: ${(oursWall / nmapWall).toFixed(2)}  (Node start-up alone is the floor)`);
    } else {
      lines.push('    nmap: not installed, column skipped (Debian: apt-get install nmap)');
    }
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  }
}

async function partB(lines: string[]): Promise<void> {
  const timeoutMs = 1000;
  lines.push(`(b) /24 whose connects hang, timeout ${timeoutMs} ms`);
  const firewall = has('iptables') ? 'iptables' : has('nft') ? 'nft' : null;
  if (process.getuid?.() !== 0 || !has('ip') || firewall === null) {
    lines.push('    skipped: needs root plus `ip` and `iptables` or `nft` to build a network namespace');
    return;
  }
  const ns = `tt-disc-bench-${process.pid}`;
  const hang = `127.${octet()}.${octet()}`;
  const inNs = ['ip', 'netns', 'exec', ns];
  try {
    execFileSync('ip', ['netns', 'add', ns]);
    execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    // INPUT, not OUTPUT: a locally dropped outgoing SYN fails at once with EPERM, while a SYN
    // dropped on arrival leaves connect() waiting, like an unanswered host.
    if (firewall === 'iptables') {
      execFileSync(inNs[0], [...inNs.slice(1), 'iptables', '-A', 'INPUT', '-p', 'tcp', '--syn', '-d', `${hang}.0/24`, '-j', 'DROP']);
    } else {
      const rules = `table inet hang { chain input { type filter hook input priority 0; ip daddr ${hang}.0/24 tcp flags & (syn|ack) == syn drop; } }`;
      execFileSync(inNs[0], [...inNs.slice(1), 'nft', rules]);
    }
    const { report, wallMs } = await runChild(inNs, `${hang}.0/24`, timeoutMs);
    lines.push(
      `    elapsed ${report.elapsedMs} ms in-process (${wallMs} ms whole process), ${report.timedOut}/${report.probed} timed out, ` +
        `concurrency ${report.concurrency}`,
    );
    lines.push(`    elapsed / timeout: ${(report.elapsedMs / timeoutMs).toFixed(2)}  (goal <= 1.30)`);
  } catch (error) {
    lines.push(`    skipped: ${(error as Error).message.split('\n')[0]}`);
  } finally {
    spawnSync('ip', ['netns', 'del', ns]);
  }
}

async function partC(runs: number, lines: string[]): Promise<void> {
  const target = `127.${octet()}.0.0/16`;
  const results: ChildReport[] = [];
  for (let i = 0; i < runs; i++) results.push((await runChild([], target, 1000)).report);
  const rates = results.map((r) => Math.round((r.probed / r.elapsedMs) * 1000));
  lines.push(`(c) /16 sweep ${target} (all refused), ${runs} runs`);
  lines.push(`    hosts/s: median ${median(rates)} (runs ${rates.join(', ')})  (goal >= 20000)`);
  lines.push(`    peak RSS: max ${Math.max(...results.map((r) => r.maxRssMB))} MB (runs ${results.map((r) => r.maxRssMB).join(', ')})  (goal < 150)`);
  lines.push(`    probed ${results[0].probed}, engine ${results[0].engine}, concurrency ${results[0].concurrency}, errors ${JSON.stringify(results[0].errors)}`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const childAt = args.indexOf('--child');
  if (childAt >= 0) {
    await child(args[childAt + 1], Number(args[childAt + 2]), Number(args[childAt + 3]), args[childAt + 4] as ScanOptions['engine']);
    return;
  }
  const option = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
  const parts = option('--parts', 'a,b,c').split(',');
  const runs = Number(option('--runs', '3'));
  ENGINE = option('--engine', 'auto') as typeof ENGINE;
  const lines: string[] = [];
  if (parts.includes('a')) await partA(runs, lines);
  if (parts.includes('b')) await partB(lines);
  if (parts.includes('c')) await partC(runs, lines);
  const cpus = (await import('node:os')).cpus().length;
  console.log(`\n=== discovery scan benchmark (node ${process.version}, ${cpus} CPUs, load ${(await import('node:os')).loadavg()[0].toFixed(2)}) ===`);
  for (const line of lines) console.log(line);
}

await main();
