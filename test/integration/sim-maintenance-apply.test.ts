// What a maintenance node answers to ApplyConfiguration in each mode, as Talos v1.13.9's machined does
// (internal/app/machined/internal/server/v1alpha1/v1alpha1_server.go, ApplyConfiguration):
// - REBOOT is turned into NO_REBOOT, AUTO resolves to NO_REBOOT: "Applied configuration without a reboot".
//   The API itself reboots nothing; the boot sequence then continues with the new config, and a node
//   running from the ISO installs to disk and reboots into it (Sequencer.Install: install, kexec, reboot).
// - TRY: the same text plus the revert note; STAGED: "Staged configuration to be applied after the next
//   reboot" and the node stays in maintenance.
// (Talos 1.7-1.12's separate maintenance service answered differently; the simulator is v1.13.9.)
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MachineService, ApplyConfigurationRequest_Mode as Mode } from '../../src/talos/proto/gen/machine/machine_pb.js';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';
import { TestClient } from './sim-helpers.js';
import { freeLoopback24 } from '../helpers/loopback.js';

// Free loopback /24s (test/helpers/loopback.ts): two runs side by side never collide. `length` keeps
// addresses as wide as the columns and messages below expect.
const NET = await freeLoopback24({ length: 9 });

const config = (hostname: string) =>
  Buffer.from(['version: v1alpha1', 'machine:', '  type: worker', '  network:', `    hostname: ${hostname}`, 'cluster:', '  clusterName: sim', ''].join('\n'));

describe('ApplyConfiguration on a maintenance node (Talos v1.13)', () => {
  let sim: SimCluster;
  const events: string[] = [];
  const clients: TestClient[] = [];
  const insecure = (address: string) => {
    const c = new TestClient(address, { insecure: true });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    // Maintenance nodes only: .101-.104 (no configured nodes at .11+); m4 is the sentinel below.
    sim = await startSimCluster({ listen: `${NET}.1`, configured: 0, maintenance: 4, rebootMs: 100, logLinesPerSecond: 0, onEvent: (e) => events.push(e) });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await sim?.stop();
  });

  it('dry runs: every mode says what it would do, and nothing changes', async () => {
    const m1 = sim.node('m1')!;
    const c = insecure(m1.address);
    const expected: [Mode, Mode, string][] = [
      [Mode.AUTO, Mode.NO_REBOOT, 'Applied configuration without a reboot'],
      [Mode.REBOOT, Mode.NO_REBOOT, 'Applied configuration without a reboot'],
      [Mode.NO_REBOOT, Mode.NO_REBOOT, 'Applied configuration without a reboot'],
      [Mode.TRY, Mode.TRY, 'Applied configuration without a reboot'],
      [Mode.STAGED, Mode.STAGED, 'Staged configuration to be applied after the next reboot'],
    ];
    for (const [asked, mode, details] of expected) {
      const r = await c.unary(MachineService.method.applyConfiguration, { data: config('dry'), mode: asked, dryRun: true });
      expect(r.messages[0]!.mode, Mode[asked]).toBe(mode);
      expect(r.messages[0]!.modeDetails.startsWith(`Dry run summary:\n${details} (skipped in dry-run).\nConfig diff:`), Mode[asked]).toBe(true);
    }
    expect([m1.mode, m1.up]).toEqual(['maintenance', true]);
  });

  it('STAGED keeps the node in maintenance, up', async () => {
    const m2 = sim.node('m2')!;
    const r = await insecure(m2.address).unary(MachineService.method.applyConfiguration, { data: config('staged'), mode: Mode.STAGED });
    expect([r.messages[0]!.mode, r.messages[0]!.modeDetails]).toEqual([Mode.STAGED, 'Staged configuration to be applied after the next reboot']);
    // A reboot requested now (the sentinel m4) goes down only after one m2's apply would have started.
    sim.node('m4')!.reboot();
    await vi.waitFor(() => expect(events.some((e) => e.startsWith('m4 ') && e.endsWith(' is rebooting'))).toBe(true), { timeout: 2000, interval: 10 });
    expect(events.filter((e) => e.startsWith('m2 '))).toEqual([]);
    expect([m2.mode, m2.up]).toEqual(['maintenance', true]);
  });

  it('NO_REBOOT (what AUTO becomes): "without a reboot" from the API, then the install reboots it into the config', async () => {
    const m3 = sim.node('m3')!;
    const r = await insecure(m3.address).unary(MachineService.method.applyConfiguration, { data: config('installed'), mode: Mode.NO_REBOOT });
    expect([r.messages[0]!.mode, r.messages[0]!.modeDetails]).toEqual([Mode.NO_REBOOT, 'Applied configuration without a reboot']);
    await expect.poll(() => m3.up, { timeout: 2000, interval: 10 }).toBe(false);
    await m3.whenUp();
    expect([m3.mode, m3.hostname]).toEqual(['configured', 'installed']);
  });
});
