// Talos v1.14 changed ApplyConfiguration (machined's handler, v1.13.9 vs v1.14): REBOOT outside
// maintenance answers Unimplemented, and AUTO never reboots. Against a simulated node reporting
// v1.14.1 (the simulator follows that handler): --mode reboot is refused before anything is sent,
// with the way out; --reboot applies and then sends Reboot; auto says it did not reboot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SimCluster, SimNode } from '../../src/sim/index.js';
import { startSimOnFreeLoopback } from '../helpers/loopback.js';
import { runCommand } from '../helpers/run-command.js';

let sim: SimCluster;
let dir: string;
let talosconfig: string;
let cp1: SimNode;

const apply = (...argv: string[]) => runCommand('apply', ['--talosconfig', talosconfig, '-n', cp1.ip, ...argv]);
const config = (name: string, hostname: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, cp1.machine.config!.text.replace(/hostname: .*/, `hostname: ${hostname}`));
  return p;
};

beforeAll(async () => {
  sim = await startSimOnFreeLoopback({ configured: 1, maintenance: 0, rebootMs: 300, logLinesPerSecond: 0 });
  dir = mkdtempSync(path.join(tmpdir(), 'apply-v114-'));
  talosconfig = path.join(dir, 'talosconfig');
  writeFileSync(talosconfig, sim.talosconfigText, { mode: 0o600 });
  cp1 = sim.node('cp1')!;
  cp1.machine.talosVersion = 'v1.14.1';
});

afterAll(async () => {
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('apply to a Talos v1.14 node', () => {
  it('--mode reboot: says so before sending, names the way out, changes nothing (exit 1)', async () => {
    const before = cp1.machine.config!.text;
    const r = await apply('-f', config('reboot.yaml', 'cp1-reboot'), '--mode', 'reboot');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `talos-tui apply: ${cp1.ip} runs Talos v1.14.1, which answers Unimplemented to --mode reboot outside maintenance mode: nothing was sent; use --mode no-reboot --reboot to apply and then reboot\n`,
    );
    expect(cp1.machine.config!.text).toBe(before);
    expect(cp1.up).toBe(true);
  });

  it('auto applies without a reboot and says that is how v1.14 works', async () => {
    const r = await apply('-f', config('auto.yaml', 'cp1-auto'));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Applied configuration without a reboot\n');
    expect(r.stderr).toMatch(/^NOTE: Talos v1\.14\.1 applies --mode auto without a reboot: .*--reboot/);
    expect(cp1.hostname).toBe('cp1-auto');
  });

  it('--mode no-reboot --reboot applies, then reboots the node', async () => {
    const r = await apply('-f', config('then-reboot.yaml', 'cp1-then'), '--mode', 'no-reboot', '--reboot');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(`Applied configuration without a reboot\nRebooting ${cp1.ip}.\n`);
    await expect.poll(() => cp1.up, { timeout: 3000, interval: 20 }).toBe(false);
    await cp1.whenUp();
    expect(cp1.hostname).toBe('cp1-then');
  });

  it('--reboot is refused where it makes no sense (exit 2)', async () => {
    for (const argv of [['--reboot', '--dry-run'], ['--reboot', '--mode', 'try'], ['--reboot', '--mode', 'reboot']]) {
      const r = await apply('-f', config('x.yaml', 'x'), ...argv);
      expect(r.code, argv.join(' ')).toBe(2);
    }
  });
});
