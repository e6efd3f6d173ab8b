// The connect scanner against real listeners on loopback (127.0.0.0/8 only).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { parseTargets } from '../../src/core/targets.js';
import { scanPorts } from '../../src/talos/portscan.js';
import { freeLoopback24 } from '../helpers/loopback.js';

// A random port below Linux's ephemeral range and a free /24 (test/helpers/loopback.ts), so parallel
// runs (and other engineers' simulators) do not collide.
const PORT = 20000 + Math.floor(Math.random() * 12000);
const NET = await freeLoopback24();
const LISTEN = [`${NET}.3`, `${NET}.77`, `${NET}.254`];
const servers: net.Server[] = [];

const CAN_NETNS =
  process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v ip && command -v iptables']).status === 0;

let bundleDir: string | undefined;
/** Bundles a tiny scan script once, for runs in a child process (ulimit, network namespace). */
async function scanBundle(): Promise<string> {
  if (!bundleDir) {
    bundleDir = mkdtempSync(join(tmpdir(), 'portscan-child-'));
    const entry = join(bundleDir, 'entry.ts');
    writeFileSync(
      entry,
      `import { parseTargets } from ${JSON.stringify(resolve('src/core/targets.ts'))};
       import { scanPorts } from ${JSON.stringify(resolve('src/talos/portscan.ts'))};
       const [engine, target, port, timeoutMs, concurrency] = process.argv.slice(2);
       const r = await scanPorts({ engine, targets: parseTargets([target]), port: +port, timeoutMs: +timeoutMs, concurrency: +concurrency });
       console.log(JSON.stringify({ ...r, open: r.open.length }));`,
    );
    await build({ entryPoints: [entry], outfile: join(bundleDir, 'entry.mjs'), bundle: true, platform: 'node', format: 'esm', logLevel: 'error' });
  }
  return join(bundleDir, 'entry.mjs');
}

async function runScanChild(prefix: string[], engine: string, target: string, timeoutMs: number, concurrency: number) {
  const bundle = await scanBundle();
  const argv = [...prefix, process.execPath, bundle, engine, target, String(PORT), String(timeoutMs), String(concurrency)];
  const { stdout } = await promisify(execFile)(argv[0], argv.slice(1));
  return JSON.parse(stdout);
}

function listen(host: string, port: number): Promise<net.Server> {
  return new Promise((resolveListen, reject) => {
    const server = net.createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen(port, host, () => resolveListen(server));
  });
}

beforeAll(async () => {
  for (const host of LISTEN) servers.push(await listen(host, PORT));
  servers.push(await listen(`${NET}.77`, PORT + 1)); // another port: must not be reported
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
});

describe.each(['binding', 'net'] as const)('scanPorts with the %s engine', (engine) => {
  it('finds exactly the listening addresses of a /24, sorted, with progress', async () => {
    const opened: string[] = [];
    const progress: number[][] = [];
    const result = await scanPorts({
      engine,
      targets: parseTargets([`${NET}.0/24`]),
      port: PORT,
      timeoutMs: 1000,
      onOpen: (ip, port) => opened.push(`${ip}:${port}`),
      onProgress: (probed, total, found) => progress.push([probed, total, found]),
    });
    expect(result.open).toEqual(LISTEN.map((ip) => ({ ip, port: PORT })));
    expect(opened.sort()).toEqual(LISTEN.map((ip) => `${ip}:${PORT}`).sort());
    expect(result).toMatchObject({ probed: 254, total: 254, cancelled: false, timedOut: 0, errors: {}, engine });
    expect(progress[0]).toEqual([0, 254, 0]);
    expect(progress.at(-1)).toEqual([254, 254, 3]);
  });

  it('probes explicit ip:port endpoints on their own port', async () => {
    const result = await scanPorts({
      engine,
      targets: parseTargets([`${NET}.70-${NET}.79`, `${NET}.77:${PORT + 1}`, `${NET}.78:${PORT + 1}`]),
      port: PORT,
    });
    expect(result.open).toEqual([
      { ip: `${NET}.77`, port: PORT },
      { ip: `${NET}.77`, port: PORT + 1 },
    ]);
    expect(result.probed).toBe(12);
  });

  it('a range where nothing listens reports nothing open and no errors', async () => {
    const result = await scanPorts({ engine, targets: parseTargets([`${NET}.100-${NET}.200`]), port: PORT, concurrency: 16 });
    expect(result.open).toEqual([]);
    expect(result.probed).toBe(101);
    expect(result.errors).toEqual({});
  });

  it('abort mid-scan stops launching, resolves as cancelled and keeps what was found', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const result = await scanPorts({
      engine,
      targets: parseTargets([`${NET}.0/24`, '127.250.0.0/16'], { force: true }),
      port: PORT,
      concurrency: 64,
      signal: controller.signal,
      onOpen: () => controller.abort(),
    });
    expect(result.cancelled).toBe(true);
    expect(result.open).toEqual([{ ip: LISTEN[0], port: PORT }]);
    expect(result.probed).toBeLessThan(1000);
    expect(result.total).toBe(254 + 65534);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('an already aborted signal scans nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await scanPorts({ engine, targets: parseTargets([`${NET}.0/24`]), port: PORT, signal: controller.signal });
    expect(result).toMatchObject({ cancelled: true, probed: 0, open: [] });
  });

  it('bad options are refused with a sentence naming the value', async () => {
    const targets = parseTargets([`${NET}.1`]);
    await expect(scanPorts({ targets, port: 70000 })).rejects.toThrow('port 70000 must be 1-65535');
    await expect(scanPorts({ targets, port: PORT, timeoutMs: 0 })).rejects.toThrow('timeout 0 ms must be a positive number of milliseconds');
    await expect(scanPorts({ targets, port: PORT, concurrency: 0 })).rejects.toThrow('concurrency 0 must be a whole number of at least 1');
  });

  it('under a low open-file limit (EMFILE) it lowers concurrency instead of failing', async () => {
    const report = await runScanChild(['sh', '-c', 'ulimit -n 96 && exec "$0" "$@"'], engine, `${NET}.0/24`, 1000, 512);
    expect(report).toMatchObject({ open: 3, probed: 254, errors: {}, engine });
    expect(report.concurrency).toBeLessThan(96);
  });

  // Hanging connects need a SYN dropped on arrival: only inside a network namespace of our own.
  it.skipIf(!CAN_NETNS)('connects that hang time out together, within the timeout plus a tick', async () => {
    const ns = `tt-portscan-${process.pid}-${engine}`;
    try {
      execFileSync('ip', ['netns', 'add', ns]);
      execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      execFileSync('ip', ['netns', 'exec', ns, 'iptables', '-A', 'INPUT', '-p', 'tcp', '--syn', '-d', `${NET}.0/28`, '-j', 'DROP']);
      const report = await runScanChild(['ip', 'netns', 'exec', ns], engine, `${NET}.0/28`, 500, 64);
      expect(report).toMatchObject({ open: 0, probed: 14, timedOut: 14, errors: {} });
      expect(report.elapsedMs).toBeGreaterThanOrEqual(500);
      expect(report.elapsedMs).toBeLessThan(500 * 1.3); // the product goal: at most 1.3 x the timeout
    } finally {
      spawnSync('ip', ['netns', 'del', ns]);
    }
  });
});

// The default engine uses process.binding('tcp_wrap'), which prints DEP0111 under pending
// deprecation. There 'auto' must fall back to net.Socket, find the same ports and print nothing.
describe('engine auto under pending deprecation', () => {
  it.each([
    ['the --pending-deprecation flag', ['--pending-deprecation'], {}],
    ['NODE_PENDING_DEPRECATION=1', [], { NODE_PENDING_DEPRECATION: '1' }],
    ['NODE_OPTIONS=--pending-deprecation', [], { NODE_OPTIONS: '--pending-deprecation' }],
  ])('with %s: falls back to net, same result, no warning on stderr', async (_, flags, env) => {
    const bundle = await scanBundle();
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [...flags, bundle, 'auto', `${NET}.0/24`, String(PORT), '1000', '64'], {
      env: { ...process.env, ...env },
    });
    expect(JSON.parse(stdout)).toMatchObject({ engine: 'net', open: 3, probed: 254, errors: {} });
    expect(stderr).toBe('');
  });

  it('without it, auto uses the binding engine and prints nothing either', async () => {
    const bundle = await scanBundle();
    const env = { ...process.env };
    delete env.NODE_PENDING_DEPRECATION;
    delete env.NODE_OPTIONS;
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bundle, 'auto', `${NET}.0/24`, String(PORT), '1000', '64'], { env });
    expect(JSON.parse(stdout)).toMatchObject({ engine: 'binding', open: 3, probed: 254 });
    expect(stderr).toBe('');
  });
});
