// Simulator choreography over time: bootstrap of a fresh cluster, reboots, apply modes on configured
// nodes, service control as Talos v1.13 allows it, health checks, and log flooding with back-pressure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ApplyConfigurationRequest_Mode as Mode, MachineService } from '../../src/talos/proto/gen/machine/machine_pb.js';
import { ClusterService } from '../../src/talos/proto/gen/cluster/cluster_pb.js';
import { State } from '../../src/talos/proto/gen/cosi/state_pb.js';
import { Code } from '../../src/talos/status-codes.js';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';
import { expectRpcError, TestClient } from './sim-helpers.js';
import { freeLoopback24 } from '../helpers/loopback.js';

// Free loopback /24s (test/helpers/loopback.ts): two runs side by side never collide. `length` keeps
// addresses as wide as the columns and messages below expect.
const NET = await freeLoopback24({ length: 8 });
const NET_RE = NET.replaceAll('.', '\\.');
const NET2 = await freeLoopback24({ length: 8 });

const MACHINE_STATUS = { namespace: 'runtime', type: 'MachineStatuses.runtime.talos.dev', id: 'machine' };

describe('a cluster that is not bootstrapped yet', () => {
  let sim: SimCluster;
  let c: TestClient;
  beforeAll(async () => {
    sim = await startSimCluster({ listen: `${NET}.1`, configured: 4, maintenance: 0, bootstrapped: false, rebootMs: 100 });
    c = new TestClient(sim.node('cp1')!.address, { caPem: sim.caPem, ...sim.clientCertificate() });
  });
  afterAll(async () => {
    c?.close();
    await sim?.stop();
  });

  it('waits for bootstrap, refuses it on a worker, runs it once on a control plane', async () => {
    const services = await c.unary(MachineService.method.serviceList, {});
    expect(services.messages[0].services.find((s) => s.id === 'etcd')?.state).toBe('Preparing');
    const notYet = await expectRpcError(c.unary(MachineService.method.etcdMemberList, {}));
    expect(notYet.code).toBe(Code.UNKNOWN);
    const status = parseYaml((await c.unary(State.method.get, MACHINE_STATUS)).resource!.spec!.yamlSpec);
    expect(status.status.ready).toBe(false);

    const worker = await expectRpcError(c.unary(MachineService.method.bootstrap, {}, { node: sim.node('w1')!.ip }));
    expect([worker.code, worker.details]).toEqual([Code.UNIMPLEMENTED, 'bootstrap is only available on control plane nodes']);

    await c.unary(MachineService.method.bootstrap, {});
    const members = await c.unary(MachineService.method.etcdMemberList, {}, { node: sim.node('cp3')!.ip });
    expect(members.messages[0].members.map((m) => m.hostname)).toEqual(['cp1', 'cp2', 'cp3']);
    const leader = (await c.unary(MachineService.method.etcdStatus, {})).messages[0].memberStatus!;
    expect(leader.leader).toBe(leader.memberId); // the bootstrap node leads
    const ready = parseYaml((await c.unary(State.method.get, MACHINE_STATUS)).resource!.spec!.yamlSpec);
    expect(ready.status.ready).toBe(true);

    const twice = await expectRpcError(c.unary(MachineService.method.bootstrap, {}, { node: sim.node('cp2')!.ip }));
    expect([twice.code, twice.details]).toEqual([Code.ALREADY_EXISTS, 'etcd data directory is not empty']);
  });

  it('health check streams progress and ends OK once the cluster is healthy', async () => {
    const s = c.stream(ClusterService.method.healthCheck, { waitTimeout: { seconds: 5n } });
    await s.done;
    const lines = s.messages.map((m) => m.message);
    expect(lines[0]).toMatch(new RegExp(String.raw`^discovered nodes: \["${NET_RE}\.11" `));
    expect(lines).toContain('waiting for etcd to be healthy: OK');
    expect(lines[lines.length - 1]).toBe('waiting for all k8s nodes to report schedulable: OK');
  });
});

describe('reboots, apply modes and services on configured nodes', () => {
  let sim: SimCluster;
  let c: TestClient;
  beforeAll(async () => {
    sim = await startSimCluster({ listen: `${NET2}.1`, configured: 4, maintenance: 0, rebootMs: 120 });
    c = new TestClient(sim.node('cp1')!.address, { caPem: sim.caPem, ...sim.clientCertificate() });
  });
  afterAll(async () => {
    c?.close();
    await sim?.stop();
  });

  it('Reboot takes the node away and brings it back with fresh logs; a leader that leaves loses leadership', async () => {
    const leaderId = (await c.unary(MachineService.method.etcdStatus, {})).messages[0].memberStatus!.leader;
    const leader = sim.nodes.find((n) => n.machine.memberId === leaderId)!;
    const other = sim.nodes.find((n) => n.role === 'controlplane' && n !== leader)!;
    const bootCount = leader.machine.bootCount;
    // Talk through a node that stays up.
    const via = new TestClient(other.address, { caPem: sim.caPem, ...sim.clientCertificate() });
    try {
      const reply = await via.unary(MachineService.method.reboot, {}, { node: leader.ip });
      expect(reply.messages[0].actorId).toMatch(/^[0-9a-f-]{36}$/);
      await expect.poll(() => leader.up, { timeout: 2000, interval: 10 }).toBe(false);
      const during = await via.unary(MachineService.method.etcdStatus, {});
      expect(during.messages[0].memberStatus!.leader).not.toBe(leaderId);
      const refused = await expectRpcError(via.unary(MachineService.method.version, {}, { node: leader.ip }));
      expect(refused.code).toBe(Code.UNAVAILABLE);
    } finally {
      via.close();
    }
    await leader.whenUp();
    expect(leader.machine.bootCount).toBe(bootCount + 1);
    await expect.poll(() => leader.machine.stage, { timeout: 2000, interval: 10 }).toBe('running');
  });

  it('apply on a configured node: admin only, AUTO applies live or reboots, STAGED waits for a reboot', async () => {
    const w1 = sim.node('w1')!;
    const current = w1.machine.config!.text;
    const reader = new TestClient(sim.node('cp1')!.address, { caPem: sim.caPem, ...sim.clientCertificate(['os:reader']) });
    try {
      const denied = await expectRpcError(reader.unary(MachineService.method.applyConfiguration, { data: Buffer.from(current), mode: Mode.AUTO }, { node: w1.ip }));
      expect([denied.code, denied.details]).toEqual([Code.PERMISSION_DENIED, 'not authorized']);
    } finally {
      reader.close();
    }

    // Network changes apply without a reboot.
    const renamed = current.replace('hostname: w1', 'hostname: worker-one');
    const live = await c.unary(MachineService.method.applyConfiguration, { data: Buffer.from(renamed), mode: Mode.AUTO }, { node: w1.ip });
    expect([live.messages[0].mode, live.messages[0].modeDetails]).toEqual([Mode.NO_REBOOT, 'Applied configuration without a reboot']);
    expect(w1.hostname).toBe('worker-one');
    expect(w1.up).toBe(true);

    // NO_REBOOT refuses what needs a reboot; AUTO turns it into a reboot.
    const needsReboot = renamed.replace('token: sim000.simulatedtoken000', 'token: sim111.simulatedtoken111');
    const refused = await expectRpcError(c.unary(MachineService.method.applyConfiguration, { data: Buffer.from(needsReboot), mode: Mode.NO_REBOOT }, { node: w1.ip }));
    expect(refused.code).toBe(Code.INVALID_ARGUMENT);
    expect(refused.details).toMatch(/^this config change can't be applied in immediate mode\ndiff:\n/);

    const staged = await c.unary(MachineService.method.applyConfiguration, { data: Buffer.from(needsReboot), mode: Mode.STAGED }, { node: w1.ip });
    expect(staged.messages[0].modeDetails).toBe('Staged configuration to be applied after the next reboot');
    expect(w1.machine.config!.text).toBe(renamed);

    const tried = await c.unary(MachineService.method.applyConfiguration, { data: Buffer.from(renamed), mode: Mode.TRY, tryModeTimeout: { seconds: 90n } }, { node: w1.ip });
    expect(tried.messages[0].modeDetails).toBe("Applied configuration without a reboot\nThe config is applied in 'try' mode and will be automatically reverted back in 1m30s");

    const auto = await c.unary(MachineService.method.applyConfiguration, { data: Buffer.from(needsReboot), mode: Mode.AUTO }, { node: w1.ip });
    expect(auto.messages[0].mode).toBe(Mode.REBOOT);
    expect(auto.messages[0].modeDetails).toMatch(/^Applied configuration with a reboot: this config change can't be applied in immediate mode/);
    const again = await expectRpcError(c.unary(MachineService.method.applyConfiguration, { data: Buffer.from(needsReboot), mode: Mode.AUTO }, { node: w1.ip }));
    expect(again.code).toBe(Code.FAILED_PRECONDITION);
    await expect.poll(() => w1.up, { timeout: 2000, interval: 10 }).toBe(false);
    await w1.whenUp();
    expect(w1.machine.config!.text).toBe(needsReboot);
  });

  it('services: kubelet restarts with events, etcd cannot be restarted over the API', async () => {
    const restart = await c.unary(MachineService.method.serviceRestart, { id: 'kubelet' });
    expect(restart.messages[0].resp).toBe('Service "kubelet" restarted');
    const list = await c.unary(MachineService.method.serviceList, {});
    const kubelet = list.messages[0].services.find((s) => s.id === 'kubelet')!;
    expect(kubelet.state).toBe('Running');
    expect(kubelet.events!.events.map((e) => e.state)).toEqual(expect.arrayContaining(['Stopping', 'Finished', 'Running']));

    const etcd = await expectRpcError(c.unary(MachineService.method.serviceRestart, { id: 'etcd' }));
    expect([etcd.code, etcd.details]).toEqual([Code.UNKNOWN, 'service "etcd" doesn\'t support restart operation via API']);
    const stopKubelet = await expectRpcError(c.unary(MachineService.method.serviceStop, { id: 'kubelet' }));
    expect(stopKubelet.details).toBe('service "kubelet" doesn\'t support stop operation via API');
    const missing = await expectRpcError(c.unary(MachineService.method.serviceStart, { id: 'nope' }));
    expect(missing.details).toBe('service "nope" not defined');

    const ext = await c.unary(MachineService.method.serviceStop, { id: 'ext-qemu-guest-agent' });
    expect(ext.messages[0].resp).toBe('Service "ext-qemu-guest-agent" stopped');
  });

  it('a proxied stream ends with UNAVAILABLE when its target node goes down', async () => {
    const cp3 = sim.node('cp3')!;
    const s = c.stream(MachineService.method.logs, { namespace: 'system', id: 'kubelet', follow: true, tailLines: 1 }, { node: cp3.ip });
    await s.until((msgs) => msgs.length > 0);
    await cp3.stop();
    expect((await expectRpcError(s.done)).code).toBe(Code.UNAVAILABLE);
    await cp3.start();
  });

  it('flood mode streams as fast as the reader reads', async () => {
    const cp2 = sim.node('cp2')!;
    cp2.setLogRate(Infinity);
    const s = c.stream(MachineService.method.logs, { namespace: 'system', id: 'containerd', follow: true, tailLines: 0 }, { node: cp2.ip });
    const started = Date.now();
    let lines = 0;
    await s.until((msgs) => {
      lines = msgs.reduce((n, m) => n + Buffer.from(m.bytes).toString().split('\n').length - 1, 0);
      return lines >= 20_000;
    }, 60_000);
    const perSecond = Math.round(lines / ((Date.now() - started) / 1000));
    s.cancel();
    cp2.setLogRate(2);
    // Not a benchmark, just proof that flooding is orders of magnitude above the normal pace (2 lines/s):
    // lenient enough to hold on a loaded 2-core machine, far above what the paced stream could reach.
    expect(perSecond).toBeGreaterThan(200);
  }, 70_000);
});
