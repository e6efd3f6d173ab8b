// MachineService.Containers (`talosctl containers [-k]`) against simulated nodes over real gRPC on
// a free loopback /24: the typed call over mutual TLS lists a node's Kubernetes pods and containers (the very
// ids whose logs namespace k8s.io serves), namespace "system" lists Talos's own containers, the
// headless `logs -k` without an id prints them, and a maintenance node (os:reader, as Talos 1.13 grants)
// may call Containers but has no CRI to list Kubernetes containers from.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command as logsCommand } from '../../src/cli/commands/logs.js';
import { startSimCluster, writeTalosconfig, type SimCluster, type SimNode } from '../../src/sim/index.js';
import { Code, insecureClient, machine, parseTalosconfig, TalosSession, type TalosClient } from '../../src/talos/index.js';
import { runCommand } from '../helpers/run-command.js';
import { freeLoopback24 } from '../helpers/loopback.js';

// Free loopback /24s (test/helpers/loopback.ts): two runs side by side never collide. `length` keeps
// addresses as wide as the columns and messages below expect.
const NET = await freeLoopback24({ length: 9 });

let sim: SimCluster;
let session: TalosSession;
let cp1: SimNode;
let w1: SimNode;
let m1: SimNode;
let dir: string;
let talosconfig: string;
const insecure: TalosClient[] = [];

beforeAll(async () => {
  sim = await startSimCluster({ listen: `${NET}.1`, configured: 2, maintenance: 1 });
  session = new TalosSession(parseTalosconfig(sim.talosconfigText, 'sim'));
  cp1 = sim.node('cp1')!;
  w1 = sim.node('w1')!;
  m1 = sim.node('m1')!;
  dir = mkdtempSync(join(tmpdir(), 'talos-tui-containers-'));
  talosconfig = join(dir, 'talosconfig');
  await writeTalosconfig(sim, talosconfig);
});

afterAll(async () => {
  for (const c of insecure) c.close();
  session?.close();
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function firstChunk(stream: AsyncIterable<Uint8Array>): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += Buffer.from(chunk).toString('utf8');
  return text;
}

describe('Containers against the simulator', { timeout: 30_000 }, () => {
  it('lists the Kubernetes pods and containers of a node over mTLS: the ids Logs serves', async () => {
    for (const node of [cp1, w1]) {
      const list = await machine.containers(session.target(node.ip), { namespace: 'k8s.io', driver: 'cri' });
      const containers = list.filter((c) => !machine.isPodSandbox(c));
      const sandboxes = list.filter((c) => machine.isPodSandbox(c));
      expect(containers.map((c) => c.id).sort()).toEqual([...node.k8sContainers].sort());
      for (const c of containers) {
        expect(c.namespace).toBe('k8s.io');
        expect(c.status).toBe('CONTAINER_RUNNING');
        expect(c.id).toBe(`${c.podId}:${c.name}:${c.internalId.slice(0, 12)}`);
        expect(c.internalId).toMatch(/^[0-9a-f]{64}$/);
        expect(c.image).toMatch(/^[a-z0-9.-]+\/[\w./-]+:v[\d.]+$/);
        expect(c.pid).toBeGreaterThan(0);
        // Every container's pod has its sandbox listed.
        expect(sandboxes.some((s) => s.id === c.podId && s.status === 'SANDBOX_READY' && s.image.startsWith('registry.k8s.io/pause:'))).toBe(true);
      }
      // Default request (no options) is the Kubernetes one.
      expect((await machine.containers(session.target(node.ip))).map((c) => c.id)).toEqual(list.map((c) => c.id));
    }
    const cpNames = (await machine.containers(session.target(cp1.ip))).map((c) => c.name);
    expect(cpNames).toEqual(expect.arrayContaining(['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'coredns', 'kube-proxy', 'kube-flannel']));
    const wNames = (await machine.containers(session.target(w1.ip))).map((c) => c.name);
    expect(wNames).not.toContain('kube-apiserver');

    // One listed container's log, read through Logs (namespace k8s.io, driver CRI).
    const id = (await machine.containers(session.target(w1.ip))).find((c) => c.name === 'kube-proxy' && !machine.isPodSandbox(c))!.id;
    const text = await firstChunk(machine.logs(session.target(w1.ip), { id, kubernetes: true, tailLines: 1 }));
    const lines = text.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/ (stdout|stderr) F /);
  });

  it('namespace "system" (containerd) lists the Talos services that run as containers', async () => {
    const cp = await machine.containers(session.target(cp1.ip), { namespace: 'system', driver: 'containerd' });
    const ids = cp.map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(['apid', 'kubelet', 'trustd']));
    expect(ids).not.toContain('machined'); // a goroutine, not a container
    expect(ids).not.toContain('containerd'); // a process
    const etcdRunning = (await machine.serviceList(session.target(cp1.ip))).find((s) => s.id === 'etcd')?.state === 'Running';
    expect(ids.includes('etcd')).toBe(etcdRunning);
    for (const c of cp) {
      expect(c).toMatchObject({ namespace: 'system', status: 'RUNNING', podId: c.id, name: c.id });
      expect(c.pid).toBeGreaterThan(0);
    }
    // The driver defaults to containerd outside k8s.io.
    const w = (await machine.containers(session.target(w1.ip), { namespace: 'system' })).map((c) => c.id);
    expect(w).toContain('apid');
    expect(w).not.toContain('trustd');
    expect(w).not.toContain('etcd');
  });

  it('refuses what Talos refuses: an empty namespace, CRI outside k8s.io', async () => {
    await expect(machine.containers(session.target(cp1.ip), { namespace: '' })).rejects.toMatchObject({ code: Code.INVALID_ARGUMENT });
    await expect(machine.containers(session.target(cp1.ip), { namespace: 'system', driver: 'cri' })).rejects.toMatchObject({ code: Code.UNKNOWN });
  });

  it('headless: `logs -n IP -k` without an id lists the Kubernetes containers and says how to pass one', async () => {
    const r = await runCommand(logsCommand, ['--talosconfig', talosconfig, '-n', w1.ip, '-k']);
    expect(r.code).toBe(0);
    const [header, ...rows] = r.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^NODE\s+POD\s+ID\s+IMAGE\s+PID\s+STATUS$/);
    expect(rows.map((row) => row.split(/\s+/)[2]).sort()).toEqual([...w1.k8sContainers].sort());
    for (const row of rows) expect(row).toMatch(/CONTAINER_RUNNING$/);
    expect(r.stderr).toMatch(new RegExp(`talos-tui logs -n ${w1.ip.replace(/\./g, '\\.')} -k kube-system/\\S+:\\S+:[0-9a-f]{12}`));

    // Several nodes: one table.
    const both = await runCommand(logsCommand, ['--talosconfig', talosconfig, '-n', `${cp1.ip},${w1.ip}`, '-k']);
    expect(both.code).toBe(0);
    expect(both.stdout.trimEnd().split('\n')).toHaveLength(1 + cp1.k8sContainers.length + w1.k8sContainers.length);

    // Without -k the service name is still required.
    expect((await runCommand(logsCommand, ['--talosconfig', talosconfig, '-n', w1.ip])).code).toBe(2);
  });

  it('maintenance: allowed for os:reader, lists system containers, but has no Kubernetes containers (no CRI)', async () => {
    const client = insecureClient(m1.address);
    insecure.push(client);
    const target = client;
    const system = (await machine.containers(target, { namespace: 'system' })).map((c) => c.id);
    expect(system).toContain('apid');
    expect(system).not.toContain('kubelet');
    await expect(machine.containers(target, { namespace: 'k8s.io', driver: 'cri' })).rejects.toMatchObject({ code: Code.UNAVAILABLE });

    const r = await runCommand(logsCommand, ['-i', '-n', m1.address, '-k']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/containerd\.sock/);
  });
});
