// Etcd recovery upload benchmark: prints figures, asserts nothing. Loopback (127.0.0.0/8) only.
//   node test/bench/run.mjs test/bench/etcd-recover.ts [--mib 64,512]
// For each size: a snapshot file with etcd's sha256 trailer is written to a temp directory; the
// console side then runs the local check (read + sha256 of the whole file: the baseline, what any
// upload must at least cost) and the EtcdRecover upload (read again in 64 KiB chunks as the node takes
// them) to a node that discards what it receives, in a child process of its own so its work is not
// counted. Reported: both times, the upload's cost as a ratio to the check, and the console's peak
// RSS growth during the upload (flat whatever the size when back-pressure holds the reader).
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
// Benches run from the repository root (the bundle itself lives under node_modules/.cache).
const ROOT = process.cwd();
const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};

/** The node side: a TLS gRPC server whose EtcdRecover reads and drops every chunk. Prints its address. */
async function nodeSide(host: string): Promise<void> {
  const { registration, serveGrpc } = await import('../../src/talos/server.js');
  const { MachineService } = await import('../../src/talos/proto/gen/machine/machine_pb.js');
  const fixture = (f: string) => readFileSync(join(ROOT, 'test/fixtures/talos', f), 'utf8');
  const server = await serveGrpc({
    host,
    port: 0,
    tls: { keyPem: fixture('server.key'), certChainPem: fixture('server.crt') },
    services: [
      registration(MachineService, {
        etcdRecover: async (requests) => {
          for await (const r of requests) void r;
          return { messages: [{}] };
        },
      }),
    ],
  });
  process.stdout.write(`${server.address}\n`);
}

/** A snapshot-shaped file of `mib` MiB plus the 32-byte sha256 trailer, written in 1 MiB blocks. */
function writeSnapshot(file: string, mib: number): void {
  const fd = openSync(file, 'w', 0o600);
  const hash = createHash('sha256');
  const block = randomBytes(1024 * 1024);
  for (let i = 0; i < mib; i++) {
    block.writeUInt32LE(i, 0);
    hash.update(block);
    writeSync(fd, block);
  }
  writeSync(fd, hash.digest());
  closeSync(fd);
}

async function consoleSide(address: string, file: string) {
  const { checkRecoverySnapshot } = await import('../../src/ops/etcd-recover.js');
  const { insecureClient, machine } = await import('../../src/talos/index.js');
  const t0 = performance.now();
  const snap = await checkRecoverySnapshot(file, false);
  const checkMs = performance.now() - t0;
  const client = insecureClient(address);
  const base = process.memoryUsage().rss;
  let peak = base;
  let peakBuffers = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    peakBuffers = Math.max(peakBuffers, m.arrayBuffers);
  }, 10);
  const t1 = performance.now();
  await machine.etcdRecover(client, snap.chunks(), { idleTimeoutMs: 60_000 });
  const uploadMs = performance.now() - t1;
  clearInterval(sampler);
  client.close();
  return { checkMs, uploadMs, rssGrowthMb: (peak - base) / 1024 / 1024, peakBuffersMb: peakBuffers / 1024 / 1024 };
}

const sizes = flag('mib', '64,512').split(',').map(Number);
const host = `127.${60 + Math.floor(Math.random() * 150)}.${Math.floor(Math.random() * 250)}.9`;
if (args[0] === '--node') {
  await nodeSide(args[1]!);
} else {
  const node = spawn(process.execPath, [SELF, '--node', host], { stdio: ['ignore', 'pipe', 'inherit'] });
  const address = await new Promise<string>((resolve) => node.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
  const dir = mkdtempSync(join(tmpdir(), 'talos-tui-bench-recover-'));
  try {
    console.log(`etcd recover bench: node at ${address}, ${cpus().length} CPUs, load ${loadavg()[0]!.toFixed(2)}`);
    console.log('   size  check (read+sha256)  upload (EtcdRecover)  upload/check  upload MiB/s  RSS growth  peak buffers');
    for (const mib of sizes) {
      const file = join(dir, `${mib}.snapshot`);
      writeSnapshot(file, mib);
      const f = await consoleSide(address, file);
      console.log(
        `${`${mib} MiB`.padStart(7)}  ${`${(f.checkMs / 1000).toFixed(2)} s`.padStart(19)}  ${`${(f.uploadMs / 1000).toFixed(2)} s`.padStart(20)}  ${`${(f.uploadMs / f.checkMs).toFixed(2)}x`.padStart(12)}  ${(mib / (f.uploadMs / 1000)).toFixed(0).padStart(12)}  ${`${f.rssGrowthMb.toFixed(0)} MB`.padStart(10)}  ${`${f.peakBuffersMb.toFixed(0)} MB`.padStart(12)}`,
      );
      rmSync(file);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    node.kill('SIGTERM');
  }
}
