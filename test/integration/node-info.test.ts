// The Status pane's node summary source (issue 12 item 12) against the simulator over real gRPC/TLS:
// Version, MachineStatus, MachineType, LoadAvg, Memory and SystemStat per node; CPU from two samples;
// a node that goes down keeps its last figures marked stale with the error, the others carry on.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NodeInfoSource, type NodeInfo } from '../../src/features/status/node-info.js';
import { TALOS_VERSION, type SimCluster } from '../../src/sim/index.js';
import { machine, parseTalosconfig, TalosSession } from '../../src/talos/index.js';
import { startSimOnFreeLoopback } from '../helpers/loopback.js';

let sim: SimCluster;
let session: TalosSession;

beforeAll(async () => {
  sim = await startSimOnFreeLoopback({ configured: 4, maintenance: 0, logLinesPerSecond: 0 });
  session = new TalosSession(parseTalosconfig(sim.talosconfigText, 'sim'));
});
afterAll(async () => {
  session?.close();
  await sim?.stop();
});

describe('node figures over the wire', () => {
  it('LoadAvg, Memory and SystemStat decode with the upstream field numbers', async () => {
    const t = session.target(sim.node('cp1')!.ip);
    const load = await machine.loadAvg(t);
    expect(load.load1).toBeGreaterThan(0);
    expect(load.load15).toBeGreaterThan(0);
    const mem = (await machine.memory(t))!;
    expect(Number(mem.memtotal)).toBe(8 * 1024 ** 3);
    expect(Number(mem.memavailable)).toBeLessThan(Number(mem.memtotal));
    const stat = await machine.systemStat(t);
    expect(Number(stat.bootTime) * 1000).toBeLessThanOrEqual(Date.now());
    expect(stat.cpu).toHaveLength(4);
    expect(stat.cpuTotal!.idle).toBeGreaterThan(0);
  });
});

describe('NodeInfoSource', () => {
  it('summarises every node, then marks a node that went down STALE with its last figures', async () => {
    const nodes = sim.nodes.filter((n) => n.mode === 'configured').map((n) => n.ip);
    const source = new NodeInfoSource(session, { intervalMs: 150, callDeadlineMs: 1000 });
    try {
      source.setNodes(nodes);
      const byNode = () => new Map(source.store.getSnapshot().nodes.map((n) => [n.node, n] as const));
      await vi.waitFor(() => {
        expect(byNode().size).toBe(nodes.length);
        for (const n of byNode().values()) {
          expect(n).toMatchObject({ version: TALOS_VERSION, stage: 'running', ready: true, loading: false });
          expect(n.cpu).toBeGreaterThanOrEqual(0); // two samples taken
          expect(n.memory!.used).toBeGreaterThan(0);
        }
      }, { timeout: 8000, interval: 50 });
      expect(byNode().get(sim.node('cp1')!.ip)!.machineType).toBe('controlplane');
      expect([...byNode().values()].some((n) => n.machineType === 'worker')).toBe(true);

      const down = sim.node('cp2')!;
      const before = byNode().get(down.ip)!;
      await down.stop();
      await vi.waitFor(() => expect(byNode().get(down.ip)!.error).toBeTruthy(), { timeout: 8000, interval: 50 });
      const stale: NodeInfo = byNode().get(down.ip)!;
      expect(stale.version).toBe(before.version);
      expect(stale.at).toBeLessThanOrEqual(Date.now());
      // The others keep answering.
      const other = byNode().get(sim.node('cp1')!.ip)!;
      expect(other.error).toBeUndefined();
      await down.start();
      await vi.waitFor(() => expect(byNode().get(down.ip)!.error).toBeUndefined(), { timeout: 8000, interval: 50 });
    } finally {
      source.dispose();
    }
  }, 30000);
});
