// An `etcd snapshot` interrupted by SIGINT, SIGTERM or SIGHUP (the built CLI as a real process, its
// node a listener that accepts and never answers, so the snapshot is mid-way for as long as needed):
// the temporary file is removed, nothing is left at the target, and it says cancelled (exit 1).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { talosconfigYaml } from '../fixtures/talos/index.js';
import { freeLoopback24 } from '../helpers/loopback.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const entry = `${root}/dist/talos-tui.js`;
const dir = mkdtempSync(join(tmpdir(), 'snapshot-interrupted-'));
const held: net.Socket[] = [];
let silent: net.Server;
let talosconfig: string;
let node: string;

beforeAll(async () => {
  if (!existsSync(entry)) throw new Error('dist/talos-tui.js is missing: run `npm run build` (npm test does)');
  silent = net.createServer((s) => void held.push(s));
  const ip = `${await freeLoopback24()}.3`;
  await new Promise<void>((resolve) => silent.listen(0, ip, resolve));
  const address = `${ip}:${(silent.address() as net.AddressInfo).port}`;
  node = ip;
  talosconfig = join(dir, 'talosconfig');
  writeFileSync(talosconfig, talosconfigYaml('test', { test: { endpoints: [address] } }), { mode: 0o600 });
});

afterAll(async () => {
  for (const s of held) s.destroy();
  await new Promise((resolve) => silent.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('etcd snapshot interrupted', () => {
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('%s removes the temp file and says cancelled', async (signal) => {
    const out = join(dir, signal);
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out);
    const child = spawn(process.execPath, [entry, 'etcd', 'snapshot', '-n', node, '--talosconfig', talosconfig, join(out, 'db.snapshot')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    await expect.poll(() => readdirSync(out).length, { timeout: 10_000, interval: 50 }).toBe(1); // the temp file, mid-way
    expect(readdirSync(out)[0]).toMatch(/^\.db\.snapshot\..*\.part$/);
    child.kill(signal);
    expect(await closed).toBe(1);
    expect(stderr).toBe(`talos-tui etcd: the snapshot was cancelled: ${join(out, 'db.snapshot')} was not written\n`);
    expect(readdirSync(out)).toEqual([]);
  }, 20_000);
});
