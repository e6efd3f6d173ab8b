// A cluster provisioned inside the simulator from generated configs: a node configured with a config
// carrying its own machine.ca serves mutual TLS with that CA (the generated talosconfig reaches it,
// the simulator's own does not), its etcd stays empty until Bootstrap, and HealthCheck waits for it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simClusterConfigs } from '../../src/sim/cluster-configs.js';
import type { SimCluster } from '../../src/sim/index.js';
import { cluster, insecureClient, machine, parseTalosconfig, TalosSession } from '../../src/talos/index.js';
import { startSimOnFreeLoopback } from '../helpers/loopback.js';
import { reachNode } from '../../src/ops/reach-node.js';

const withAddress = (config: string, hostname: string, ip: string) =>
  config.replace('  install:', `  network:\n    hostname: ${hostname}\n    interfaces:\n      - interface: eth0\n        addresses:\n          - ${ip}/24\n  install:`);

describe('simulator: a node configured from a generated config', () => {
  let sim: SimCluster;
  let session: TalosSession;
  let ips: string[];

  beforeAll(async () => {
    sim = await startSimOnFreeLoopback({ configured: 3, maintenance: 2, rebootMs: 100, logLinesPerSecond: 0 });
    const base = sim.nodes[0]!.ip.split('.').slice(0, 3).join('.');
    ips = [`${base}.51`, `${base}.52`];
    const configs = simClusterConfigs({ clusterName: 'fresh', endpoint: `https://${ips[0]}:6443` });
    const m1 = sim.node('m1')!;
    const m2 = sim.node('m2')!;
    const cp = insecureClient(m1.address);
    const w = insecureClient(m2.address);
    await machine.applyConfiguration(cp, { config: withAddress(configs.controlplane, 'fresh-cp', ips[0]!), mode: 'auto' });
    await machine.applyConfiguration(w, { config: withAddress(configs.worker, 'fresh-w', ips[1]!), mode: 'auto' });
    cp.close();
    w.close();
    const ctx = parseTalosconfig(configs.talosconfig, 'generated', { endpoints: [ips[0]!], nodes: ips });
    session = new TalosSession(ctx);
    for (const n of [m1, m2]) {
      await new Promise<void>((resolve) => {
        const poll = () => (n.mode === 'configured' && n.up ? resolve() : setTimeout(poll, 20));
        poll();
      });
    }
  });

  afterAll(async () => {
    session?.close();
    await sim?.stop();
  });

  it('answers over mTLS with the config\'s own CA, the worker too (its config has no CA key)', async () => {
    for (const ip of ips) expect((await machine.version(session.target(ip))).version?.tag).toMatch(/^v1\.13/);
    const simSession = new TalosSession(parseTalosconfig(sim.talosconfigText, 'sim', { endpoints: [ips[0]!] }));
    await expect(machine.version(simSession.target(ips[0]!))).rejects.toThrow();
    simSession.close();
  });

  it('a context without endpoints (a fresh cluster\'s generated talosconfig) reaches the node itself', async () => {
    const empty = new TalosSession({ ...session.context, endpoints: [] });
    await expect(machine.version(empty.target(ips[0]!))).rejects.toThrow();
    const reach = reachNode(empty, ips[0]!);
    expect(reach.note).toBe(`context fresh has no endpoints: talking to ${ips[0]} directly`);
    expect((await machine.version(reach.session.target(ips[0]!))).version?.tag).toMatch(/^v1\.13/);
    reach.close();
    empty.close();
  });

  it('keeps etcd empty until Bootstrap, apart from the simulator\'s own cluster, then HealthCheck passes', async () => {
    await expect(machine.etcdMemberList(session.target(ips[0]!))).rejects.toThrow();
    await machine.bootstrap(session.target(ips[0]!));
    const members = await machine.etcdMemberList(session.target(ips[0]!));
    expect(members.map((m) => m.hostname)).toEqual(['fresh-cp']);
    const lines: string[] = [];
    for await (const line of cluster.healthCheck(session.target(ips[0]!), { waitTimeoutMs: 20_000 })) lines.push(line);
    expect(lines[0]).toBe(`discovered nodes: ["${ips[0]}" "${ips[1]}"]`);
    expect(lines.at(-1)).toMatch(/OK$/);
  });
});
