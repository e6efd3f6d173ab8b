// Provisioning benchmark: prints figures, asserts nothing. Loopback (127.0.0.0/8) only.
//   npm run build && node test/bench/run.mjs test/bench/provision.ts [--sizes 1,5,25,100] [--reboot-ms 3000]
// For each size N: a simulator with N maintenance machines runs in a child process of its own
// (`talos-tui sim`, so its TLS and RPC work is not counted against the console), and the console's
// side runs in another child: scan + plan, then from the confirmation to a healthy cluster (applies,
// follow to mTLS, bootstrap, health). Reported: wall time confirmation -> healthy, its ratio to one
// node alone (the goal: 25 nodes in parallel cost at most 1.2x one node), the console's CPU time and
// its peak RSS. The profile matches by MAC (read from the simulator's table); target addresses are in the next /24.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};

interface Figures {
  nodes: number;
  planMs: number;
  runMs: number;
  cpuMs: number;
  peakRssMb: number;
  healthy: boolean;
}

async function consoleSide(profile: string): Promise<Figures> {
  const { parseTalosconfig } = await import('../../src/talos/index.js');
  const { loadProfile, readBaseConfigs, renderProfile } = await import('../../src/ops/provision-inputs.js');
  const { gatherFacts, planFrom } = await import('../../src/ops/provision-plan.js');
  const { runProvision } = await import('../../src/ops/provision-run.js');
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
  const t0 = performance.now();
  const loaded = loadProfile(profile);
  const base = readBaseConfigs(loaded);
  const rendered = renderProfile(loaded, base);
  const talosconfig = parseTalosconfig(base.talosconfig, 'talosconfig');
  if (process.env.BENCH_VERBOSE === '1') process.stderr.write(`profile ${profile}\n`);
  const facts = await gatherFacts({ loaded, rendered, talosconfig, targets: loaded.profile.scan, timeoutMs: 500 });
  const plan = planFrom(loaded, rendered, facts, { allowUnpinned: false });
  if (plan.errors.length > 0) throw new Error(plan.errors.join('; '));
  const t1 = performance.now();
  const cpu0 = process.cpuUsage();
  const configs = new Map([...rendered].map(([k, v]) => [k, v.config!]));
  const verbose = process.env.BENCH_VERBOSE === '1';
  const result = await runProvision({ plan, configs, talosconfig, concurrency: 8, intervalMs: 250, onEvent: (e) => verbose && process.stderr.write(`${JSON.stringify(e)}\n`) });
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { nodes: plan.rows.length, planMs: t1 - t0, runMs: t2 - t1, cpuMs: (cpu.user + cpu.system) / 1000, peakRssMb: peak / 2 ** 20, healthy: result.healthy };
}

async function runSize(n: number, rebootMs: number): Promise<Figures> {
  const { simClusterConfigs } = await import('../../src/sim/cluster-configs.js');
  const b = 60 + Math.floor(Math.random() * 150);
  const c = Math.floor(Math.random() * 200);
  const listen = `127.${b}.${c}.1`;
  const targetNet = `127.${b}.${c + 1}`;
  const dir = mkdtempSync(join(tmpdir(), 'talos-tui-bench-provision-'));
  try {
    const configs = simClusterConfigs({ clusterName: `bench${n}`, endpoint: `https://${targetNet}.10:6443` });
    mkdirSync(join(dir, 'talos'));
    writeFileSync(join(dir, 'talos', 'controlplane.yaml'), configs.controlplane);
    writeFileSync(join(dir, 'talos', 'worker.yaml'), configs.worker);
    writeFileSync(join(dir, 'talos', 'talosconfig'), configs.talosconfig);
    const sim = spawn(process.execPath, ['dist/talos-tui.js', 'sim', '--nodes', '0', '--maintenance', String(n), '--listen', listen, '--reboot-ms', String(rebootMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
    // The simulator's table gives each machine's MACs: the profile matches by MAC, as on hardware.
    const table = await new Promise<string>((resolve, reject) => {
      let out = '';
      sim.stdout!.on('data', (d) => {
        out += String(d);
        if (out.includes('talosconfig:')) resolve(out);
      });
      sim.once('exit', (code) => reject(new Error(`sim exited ${code}`)));
    });
    sim.stdout!.resume();
    const macs = [...table.matchAll(/^m(\d+)\s+\S+\s+maintenance\s+\S+\s+\S+\s+([0-9a-f:]+)/gm)].sort((a, b) => Number(a[1]) - Number(b[1])).map((m) => m[2]!);
    const cps = n >= 3 ? 3 : 1;
    const nodes = macs.map((mac, i) => `  - { name: n${i + 1}, role: ${i < cps ? 'controlplane' : 'worker'}, mac: "${mac}", address: ${targetNet}.${10 + i}/24 }`);
    const profile = join(dir, 'cluster.yaml');
    writeFileSync(profile, [`cluster: { name: bench${n}, endpoint: "https://${targetNet}.10:6443" }`, 'configDir: ./talos', `scan: ["${listen.replace(/\.1$/, '.0')}/24"]`, 'nodes:', ...nodes, ''].join('\n'));
    try {
      const child = spawn(process.execPath, [SELF, '--console', profile], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout!.on('data', (d) => (out += String(d)));
      const code = await new Promise((r) => child.once('exit', r));
      if (code !== 0) throw new Error(`console side failed (exit ${String(code)})`);
      return JSON.parse(out.trim().split('\n').at(-1)!) as Figures;
    } finally {
      sim.kill('SIGTERM');
      await new Promise((r) => sim.once('exit', r));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (args[0] === '--console') {
  const figures = await consoleSide(args[1]!);
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  process.exit(0);
} else {
  const sizes = flag('sizes', '1,5,25,100').split(',').map(Number);
  const rebootMs = Number(flag('reboot-ms', '3000'));
  console.log(`provision bench: sizes ${sizes.join(', ')}, simulated reboot ${rebootMs} ms, ${cpus().length} CPUs, load ${loadavg()[0]!.toFixed(2)}`);
  console.log('nodes  scan+plan  confirm->healthy  x one node  console CPU  peak RSS  healthy');
  let one: number | null = null;
  for (const n of sizes) {
    const f = await runSize(n, rebootMs);
    if (n === 1) one = f.runMs;
    const ratio = one ? `${(f.runMs / one).toFixed(2)}x` : '-';
    console.log(
      `${String(n).padStart(5)}  ${`${(f.planMs / 1000).toFixed(2)} s`.padStart(9)}  ${`${(f.runMs / 1000).toFixed(2)} s`.padStart(16)}  ${ratio.padStart(10)}  ${`${(f.cpuMs / 1000).toFixed(2)} s`.padStart(11)}  ${`${f.peakRssMb.toFixed(0)} MB`.padStart(8)}  ${f.healthy}`,
    );
  }
}
