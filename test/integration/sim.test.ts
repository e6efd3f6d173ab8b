// The simulator over the wire: real TLS, real gRPC framing, the project's generated messages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tls from 'node:tls';
import { gunzipSync } from 'node:zlib';
import { parse as parseYaml } from 'yaml';
import { MachineService, ApplyConfigurationRequest_Mode as Mode, EtcdMemberAlarm_AlarmType as Alarm } from '../../src/talos/proto/gen/machine/machine_pb.js';
import { EventType, State } from '../../src/talos/proto/gen/cosi/state_pb.js';
import { StorageService } from '../../src/talos/proto/gen/storage/storage_pb.js';
import { Code } from '../../src/talos/status-codes.js';
import { startSimCluster, spkiFingerprint, type SimCluster } from '../../src/sim/index.js';
import { expectRpcError, TestClient } from './sim-helpers.js';
import { freeLoopback24, freePortRun } from '../helpers/loopback.js';

// Free loopback /24s (test/helpers/loopback.ts): two runs side by side never collide. `length` keeps
// addresses as wide as the columns and messages below expect.
const NET = await freeLoopback24({ length: 8 });
const TWIN_NET = await freeLoopback24({ length: 8 });

const LINKS = { namespace: 'network', type: 'LinkStatuses.net.talos.dev' };
const HOSTNAME = { namespace: 'network', type: 'HostnameStatuses.net.talos.dev', id: 'hostname' };
const text = (chunks: { bytes: Uint8Array }[]) => Buffer.concat(chunks.map((c) => Buffer.from(c.bytes))).toString('utf8');

function workerConfig(hostname: string, address: string): Uint8Array {
  return Buffer.from(
    ['version: v1alpha1', 'machine:', '  type: controlplane', '  network:', `    hostname: ${hostname}`, '    interfaces:', '      - interface: bond0', '        addresses:', `          - ${address}/24`, 'cluster:', '  clusterName: sim', ''].join('\n'),
  );
}

describe('simulated cluster', () => {
  let sim: SimCluster;
  const clients: TestClient[] = [];
  const events: string[] = [];
  const mtls = (address: string, roles?: string[]) => {
    const c = new TestClient(address, { caPem: sim.caPem, ...sim.clientCertificate(roles) });
    clients.push(c);
    return c;
  };
  const insecure = (address: string) => {
    const c = new TestClient(address, { insecure: true });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    const started = Date.now();
    sim = await startSimCluster({ listen: `${NET}.1`, configured: 4, maintenance: 2, rebootMs: 150, logLinesPerSecond: 50, seed: 7, onEvent: (e) => events.push(e) });
    // Start-up includes the PKI of every node on a fresh process: keep well under a few seconds even on 2 cores.
    expect(Date.now() - started).toBeLessThan(4000);
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await sim?.stop();
  });

  it('lays nodes out on the documented loopback addresses with distinct MACs', () => {
    expect(sim.nodes.map((n) => `${n.name}@${n.address}/${n.mode}/${n.role}`)).toEqual([
      `cp1@${NET}.11:50000/configured/controlplane`,
      `cp2@${NET}.12:50000/configured/controlplane`,
      `cp3@${NET}.13:50000/configured/controlplane`,
      `w1@${NET}.14:50000/configured/worker`,
      `m1@${NET}.101:50000/maintenance/worker`,
      `m2@${NET}.102:50000/maintenance/worker`,
    ]);
    const macs = sim.nodes.flatMap((n) => n.macs);
    expect(new Set(macs).size).toBe(macs.length);
    for (const mac of macs) expect(mac).toMatch(/^02:54:00:00:[0-9a-f]{2}:[0-9a-f]{2}$/);
    // Maintenance leaves are per node, so fingerprints tell machines apart.
    expect(sim.node('m1')!.leafFingerprint).not.toBe(sim.node('m2')!.leafFingerprint);
    const tc = parseYaml(sim.talosconfigText);
    expect(tc.context).toBe('sim');
    expect(tc.contexts.sim.endpoints).toEqual([`${NET}.11`, `${NET}.12`, `${NET}.13`]);
    expect(tc.contexts.sim.nodes).toHaveLength(4);
  });

  it('maintenance TLS sends only the leaf, whose SPKI fingerprint the node reports', async () => {
    const m1 = sim.node('m1')!;
    const peer = await new Promise<tls.DetailedPeerCertificate>((resolve, reject) => {
      const s = tls.connect({ host: m1.ip, port: m1.port, rejectUnauthorized: false, ALPNProtocols: ['h2'] }, () => {
        resolve(s.getPeerCertificate(true));
        s.end();
      });
      s.on('error', reject);
    });
    expect(peer.issuer.CN).toBe('talos-maintenance-m1');
    // The issuing CA is not on the wire: no issuer certificate beyond the leaf.
    expect(peer.issuerCertificate === undefined || peer.issuerCertificate.fingerprint256 === peer.fingerprint256).toBe(true);
    const pem = `-----BEGIN CERTIFICATE-----\n${peer.raw.toString('base64')}\n-----END CERTIFICATE-----\n`;
    expect(spkiFingerprint(pem)).toBe(m1.leafFingerprint);
  });

  it('a maintenance node answers insecure clients as a reader and refuses writes', async () => {
    const c = insecure(sim.node('m1')!.address);
    const version = await c.unary(MachineService.method.version, {});
    expect(version.messages[0].version?.tag).toBe('v1.13.9');
    const meta = await expectRpcError(c.unary(MachineService.method.metaWrite, { key: 0x0a, value: Buffer.from('hostnames: []') }));
    expect([meta.code, meta.details]).toEqual([Code.PERMISSION_DENIED, 'not authorized']);
    const reboot = await expectRpcError(c.unary(MachineService.method.reboot, {}));
    expect(reboot.code).toBe(Code.PERMISSION_DENIED);

    // Links: a bond whose slave borrows the bond MAC but keeps its permanent address; lo is there too.
    const list = c.stream(State.method.list, LINKS);
    await list.done;
    const links = Object.fromEntries(list.messages.map((m) => [m.resource!.metadata!.id, parseYaml(m.resource!.spec!.yamlSpec)]));
    expect(Object.keys(links).sort()).toEqual(['bond0', 'eth0', 'eth1', 'lo']);
    expect(links.bond0.kind).toBe('bond');
    expect(links.eth1.hardwareAddr).toBe(links.bond0.hardwareAddr);
    expect(links.eth1.permanentAddr).not.toBe(links.eth1.hardwareAddr);
    expect(links.eth1.masterIndex).toBe(links.bond0.index);

    // Node headers are ignored in maintenance mode: it still answers as itself.
    const host = await c.unary(State.method.get, HOSTNAME, { node: sim.node('cp1')!.ip });
    expect(parseYaml(host.resource!.spec!.yamlSpec).hostname).toMatch(/^talos-[a-z0-9]{3}-[a-z0-9]{3}$/);
    const status = await c.unary(State.method.get, { namespace: 'runtime', type: 'MachineStatuses.runtime.talos.dev', id: 'machine' });
    expect(parseYaml(status.resource!.spec!.yamlSpec).stage).toBe('maintenance');
  });

  it('a configured node requires a client certificate from its CA and enforces roles', async () => {
    const cp1 = sim.node('cp1')!;
    const noCert = new TestClient(cp1.address, { caPem: sim.caPem });
    clients.push(noCert);
    const err = await expectRpcError(noCert.unary(MachineService.method.version, {}, { deadlineMs: 2000 }));
    expect(err.code).toBe(Code.UNAVAILABLE);
    const insecureErr = await expectRpcError(insecure(cp1.address).unary(MachineService.method.version, {}, { deadlineMs: 2000 }));
    expect(insecureErr.code).toBe(Code.UNAVAILABLE);

    const reader = mtls(cp1.address, ['os:reader']);
    const services = await reader.unary(MachineService.method.serviceList, {});
    expect(services.messages[0].services.map((s) => s.id)).toEqual(expect.arrayContaining(['apid', 'etcd', 'kubelet', 'machined', 'trustd']));
    const denied = await expectRpcError(reader.unary(MachineService.method.serviceRestart, { id: 'kubelet' }));
    expect([denied.code, denied.details]).toEqual([Code.PERMISSION_DENIED, 'not authorized']);
  });

  it('proxies calls named by the node header, and says so when the target is down', async () => {
    const via = mtls(sim.node('cp1')!.address);
    const cp2 = sim.node('cp2')!;
    const host = await via.unary(State.method.get, HOSTNAME, { node: cp2.ip });
    expect(parseYaml(host.resource!.spec!.yamlSpec).hostname).toBe('cp2');
    const version = await via.unary(MachineService.method.version, {}, { node: cp2.ip });
    // apid proxies a single `node` one-to-one and leaves the reply alone; `nodes` stamps the hostname.
    expect(version.messages[0].metadata?.hostname).toBeUndefined();
    const fanned = await via.unary(MachineService.method.version, {}, { node: { nodes: [cp2.ip] } });
    expect(fanned.messages[0].metadata?.hostname).toBe(cp2.ip);
    const local = await via.unary(MachineService.method.version, {});
    expect(local.messages[0].metadata?.hostname ?? '').toBe('');

    // Worker: etcd APIs are refused as Talos refuses them.
    const notCp = await expectRpcError(via.unary(MachineService.method.etcdStatus, {}, { node: sim.node('w1')!.ip }));
    expect([notCp.code, notCp.details]).toEqual([Code.UNIMPLEMENTED, 'etcd status is only available on control plane nodes']);

    const w1 = sim.node('w1')!;
    await w1.stop();
    try {
      const down = await expectRpcError(via.unary(MachineService.method.version, {}, { node: w1.ip }));
      expect(down.code).toBe(Code.UNAVAILABLE);
      expect(down.details).toContain('connection refused');
    } finally {
      await w1.start();
    }
    const back = await via.unary(MachineService.method.version, {}, { node: w1.ip });
    expect(back.messages[0].version?.tag).toBe('v1.13.9');

    const unknown = await expectRpcError(via.unary(MachineService.method.version, {}, { node: `${NET}.250` }));
    expect(unknown.code).toBe(Code.UNAVAILABLE);

    // Deprecated one-to-many: every node answers, failures come back as metadata.error entries.
    const many = await via.unary(MachineService.method.etcdStatus, {}, { node: { nodes: [cp2.ip, w1.ip] } });
    expect(many.messages).toHaveLength(2);
    expect(many.messages[0].memberStatus?.memberId).toBeGreaterThan(0n);
    expect(many.messages[1].metadata?.error).toBe('rpc error: code = Unimplemented desc = etcd status is only available on control plane nodes');
  });

  it('serves a log tail and then follows new lines', async () => {
    const c = mtls(sim.node('cp1')!.address);
    const tail = c.stream(MachineService.method.logs, { namespace: 'system', id: 'etcd', tailLines: 5 });
    await tail.done;
    const lines = text(tail.messages).trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(JSON.parse(line).level).toMatch(/info|warn/);

    const follow = c.stream(MachineService.method.logs, { namespace: 'system', id: 'machined', tailLines: 2, follow: true });
    await follow.until((msgs) => text(msgs).split('\n').length > 2 + 5); // 50 lines/s: a few arrive quickly
    sim.node('cp1')!.appendLog('machined', 'MARKER line from the test');
    await follow.until((msgs) => text(msgs).includes('MARKER line from the test\n'));
    follow.cancel();

    const unknown = c.stream(MachineService.method.logs, { namespace: 'system', id: 'nope', tailLines: 1 });
    const err = await expectRpcError(unknown.done);
    expect(err.details).toBe('log "nope" was not registered');

    // Kubernetes containers: CRI log lines, in namespace k8s.io.
    const container = sim.node('cp1')!.k8sContainers.find((id) => id.includes(':kube-apiserver:'))!;
    const k8s = c.stream(MachineService.method.logs, { namespace: 'k8s.io', id: container, driver: 1, tailLines: 3 });
    await k8s.done;
    for (const line of text(k8s.messages).trimEnd().split('\n')) expect(line).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z (stdout|stderr) F /);
    const ids = (await c.unary(MachineService.method.logsContainers, {})).messages[0].ids;
    expect(ids).toEqual(expect.arrayContaining(['apid', 'etcd', 'kubelet', 'machined']));

    const dmesg = c.stream(MachineService.method.dmesg, {});
    await dmesg.done;
    expect(Buffer.from(dmesg.messages[0].bytes).toString()).toMatch(/^kern: {2}notice: \[\d{4}-\d\d-\d\dT[\d:.]+Z\]: Linux version /);
  });

  it('dropStreams ends open streams with UNAVAILABLE', async () => {
    const c = mtls(sim.node('cp2')!.address);
    const follow = c.stream(MachineService.method.dmesg, { follow: true, tail: true });
    const watch = c.stream(State.method.watch, { ...LINKS, options: { bootstrapContents: true }, apiVersion: 1 });
    await watch.until((msgs) => msgs.some((m) => m.event[0]?.eventType === EventType.BOOTSTRAPPED));
    sim.node('cp2')!.dropStreams();
    expect((await expectRpcError(follow.done)).code).toBe(Code.UNAVAILABLE);
    expect((await expectRpcError(watch.done)).code).toBe(Code.UNAVAILABLE);
    // The node itself stays up.
    const v = await c.unary(MachineService.method.version, {});
    expect(v.messages).toHaveLength(1);
  });

  it('watches see META writes on a configured node', async () => {
    const c = mtls(sim.node('cp3')!.address);
    const watch = c.stream(State.method.watch, { namespace: 'runtime', type: 'MetaKeys.runtime.talos.dev', options: { bootstrapContents: true }, apiVersion: 1 });
    await watch.until((msgs) => msgs.some((m) => m.event[0]?.eventType === EventType.BOOTSTRAPPED));
    await c.unary(MachineService.method.metaWrite, { key: 0x0a, value: Buffer.from('hostnames:\n  - hostname: cp3\n') });
    await watch.until((msgs) => msgs.some((m) => m.event[0]?.resource?.metadata?.id === '0x0a'));
    const ev = watch.messages.find((m) => m.event[0]?.resource?.metadata?.id === '0x0a')!.event[0];
    expect(ev.eventType).toBe(EventType.CREATED);
    expect(parseYaml(ev.resource!.spec!.yamlSpec).value).toContain('hostname: cp3');
    watch.cancel();
    await c.unary(MachineService.method.metaDelete, { key: 0x0a });
    const again = await expectRpcError(c.unary(MachineService.method.metaDelete, { key: 0x0a }));
    expect([again.code, again.details]).toEqual([Code.NOT_FOUND, 'meta key not found']);
  });

  it('etcd: consistent members, alarms, defrag, forfeit, and a refused second bootstrap', async () => {
    const c1 = mtls(sim.node('cp1')!.address);
    const lists = await Promise.all(['cp1', 'cp2', 'cp3'].map((n) => c1.unary(MachineService.method.etcdMemberList, {}, { node: sim.node(n)!.ip })));
    const ids = lists.map((l) => l.messages[0].members.map((m) => m.id.toString()).join(','));
    expect(new Set(ids).size).toBe(1);
    expect(lists[0].messages[0].members.map((m) => m.hostname)).toEqual(['cp1', 'cp2', 'cp3']);

    sim.node('cp2')!.setEtcdAlarm('NOSPACE');
    const alarms = await c1.unary(MachineService.method.etcdAlarmList, {});
    expect(alarms.messages[0].memberAlarms.map((a) => a.alarm)).toEqual([Alarm.NOSPACE]);
    const status = await c1.unary(MachineService.method.etcdStatus, {});
    expect(status.messages[0].memberStatus?.errors).toEqual(['alarm:NOSPACE']);
    const disarmed = await c1.unary(MachineService.method.etcdAlarmDisarm, {});
    expect(disarmed.messages[0].memberAlarms).toHaveLength(1);

    const before = status.messages[0].memberStatus!;
    expect(before.dbSize).toBeGreaterThan(before.dbSizeInUse);
    const t0 = Date.now();
    await c1.unary(MachineService.method.etcdDefragment, {});
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    const after = (await c1.unary(MachineService.method.etcdStatus, {})).messages[0].memberStatus!;
    expect(after.dbSize).toBe(after.dbSizeInUse);

    const leader = after.leader;
    const leaderNode = sim.nodes.find((n) => n.machine.memberId === leader)!;
    const forfeit = await c1.unary(MachineService.method.etcdForfeitLeadership, {}, { node: leaderNode.ip });
    expect(forfeit.messages[0].member).not.toBe('');
    const moved = (await c1.unary(MachineService.method.etcdStatus, {})).messages[0].memberStatus!;
    expect(moved.leader).not.toBe(leader);
    expect(moved.raftTerm).toBeGreaterThan(after.raftTerm);

    const snapshot = c1.stream(MachineService.method.etcdSnapshot, {});
    await snapshot.done;
    const bytes = Buffer.concat(snapshot.messages.map((m) => Buffer.from(m.bytes)));
    expect(bytes.length).toBeGreaterThan(200 * 1024);

    const again = await expectRpcError(c1.unary(MachineService.method.bootstrap, {}));
    expect([again.code, again.details]).toEqual([Code.ALREADY_EXISTS, 'etcd data directory is not empty']);
  });

  it('streams a kubeconfig as a .tar.gz holding one file', async () => {
    const c = mtls(sim.node('cp1')!.address);
    const s = c.stream(MachineService.method.kubeconfig, {});
    await s.done;
    const tar = gunzipSync(Buffer.concat(s.messages.map((m) => Buffer.from(m.bytes))));
    expect(tar.subarray(0, 10).toString()).toBe('kubeconfig');
    const size = parseInt(tar.subarray(124, 135).toString(), 8);
    expect(parseYaml(tar.subarray(512, 512 + size).toString()).kind).toBe('Config');
  });

  it('apply: dry run and bad configs leave the node alone; a real apply brings it back configured at its static address', async () => {
    const m2 = sim.node('m2')!;
    const macs = [...m2.macs];
    const oldAddress = m2.address;
    const c = insecure(oldAddress);

    const bad = await expectRpcError(c.unary(MachineService.method.applyConfiguration, { data: Buffer.from('version: v1alpha1\ncluster: {}\n'), mode: Mode.AUTO }));
    expect([bad.code, bad.details]).toEqual([Code.INVALID_ARGUMENT, '1 error occurred:\n\t* machine instructions are required\n\n']);
    const garbage = await expectRpcError(c.unary(MachineService.method.applyConfiguration, { data: Buffer.from('machine: [\n'), mode: Mode.AUTO }));
    expect(garbage.code).toBe(Code.INVALID_ARGUMENT);
    expect(garbage.details).toMatch(/^decode error: /);

    const cfg = workerConfig('cp4', `${NET}.21`);
    const dry = await c.unary(MachineService.method.applyConfiguration, { data: cfg, mode: Mode.AUTO, dryRun: true });
    expect(dry.messages[0].modeDetails).toMatch(/^Dry run summary:\nApplied configuration without a reboot \(skipped in dry-run\)\./);
    expect(m2.mode).toBe('maintenance');

    const applied = await c.unary(MachineService.method.applyConfiguration, { data: cfg, mode: Mode.AUTO });
    expect(applied.messages[0].mode).toBe(Mode.NO_REBOOT);
    expect(applied.messages[0].modeDetails).toBe('Applied configuration without a reboot');

    // It goes away, then comes back configured on its new address.
    await expect.poll(() => m2.up, { timeout: 2000, interval: 10 }).toBe(false);
    await m2.whenUp();
    expect(m2.mode).toBe('configured');
    expect(m2.role).toBe('controlplane');
    expect(m2.address).toBe(`${NET}.21:50000`);
    expect(m2.macs).toEqual(macs);
    expect(sim.node(oldAddress)).toBeUndefined();

    const cc = mtls(m2.address);
    const host = await cc.unary(State.method.get, HOSTNAME);
    expect(parseYaml(host.resource!.spec!.yamlSpec).hostname).toBe('cp4');
    const type = await cc.unary(State.method.get, { namespace: 'config', type: 'MachineTypes.config.talos.dev', id: 'machine-type' });
    expect(type.resource!.spec!.yamlSpec.trim()).toBe('controlplane');
    const members = await cc.unary(MachineService.method.etcdMemberList, {});
    expect(members.messages[0].members.map((m) => m.hostname)).toContain('cp4');
    const disks = await cc.unary(StorageService.method.disks, {});
    expect(disks.messages[0].disks.find((d) => d.name === 'sda')?.systemDisk).toBe(true);
  });

  it('apply naming a non-loopback static address brings the node back configured on its old address', async () => {
    const m1 = sim.node('m1')!;
    const before = m1.address;
    const c = insecure(before);
    const worker = Buffer.from(['version: v1alpha1', 'machine:', '  type: worker', '  network:', '    interfaces:', '      - interface: eth0', '        addresses:', '          - 10.0.0.50/24', ''].join('\n'));
    const reply = await c.unary(MachineService.method.applyConfiguration, { data: worker, mode: Mode.REBOOT });
    expect(reply.messages[0].mode).toBe(Mode.NO_REBOOT); // maintenance turns REBOOT into NO_REBOOT
    await expect.poll(() => m1.up, { timeout: 2000, interval: 10 }).toBe(false);
    await m1.whenUp();
    expect([m1.mode, m1.role, m1.address]).toEqual(['configured', 'worker', before]);
    expect(m1.hostname).toMatch(/^talos-/); // no hostname in the config: it keeps its generated one
    // It never even tried to bind the non-loopback address.
    expect(events.filter((e) => e.includes('10.0.0.50'))).toEqual([]);
  });

  it('is deterministic for a given seed', async () => {
    const twin = await startSimCluster({ listen: `${TWIN_NET}.1`, configured: 4, maintenance: 2, seed: 7 });
    try {
      const id = (s: SimCluster) => s.nodes.map((n) => `${n.name} ${n.hostname} ${n.macs.join(',')} ${n.machine.memberId} ${n.k8sContainers.join(',')}`);
      // m1 and m2 were configured by earlier tests here: compare the identities fixed at start.
      expect(id(twin).slice(0, 4)).toEqual(id(sim).slice(0, 4));
      expect(twin.nodes.slice(4).map((n) => n.macs)).toEqual(sim.nodes.slice(4).map((n) => n.macs));
    } finally {
      await twin.stop();
    }
  });
});

describe('one port per node (the macOS fallback)', () => {
  let sim: SimCluster;
  let port: number;
  beforeAll(async () => {
    // Two free ports below Linux's ephemeral range: outgoing connections on 127.0.0.1 cannot hold them.
    port = await freePortRun(2);
    sim = await startSimCluster({ onePortPerNode: true, port, configured: 1, maintenance: 1, rebootMs: 100 });
  });
  afterAll(async () => sim?.stop());

  it('puts every node on 127.0.0.1 with its own port, and routes node headers that carry a port', async () => {
    expect(sim.nodes.map((n) => n.address)).toEqual([`127.0.0.1:${port}`, `127.0.0.1:${port + 1}`]);
    expect(parseYaml(sim.talosconfigText).contexts.sim.endpoints).toEqual([`127.0.0.1:${port}`]);
    const c = new TestClient(sim.nodes[0].address, { caPem: sim.caPem, ...sim.clientCertificate() });
    try {
      const viaPort = await c.unary(State.method.get, HOSTNAME, { node: `127.0.0.1:${port + 1}` });
      expect(parseYaml(viaPort.resource!.spec!.yamlSpec).hostname).toBe(sim.nodes[1].hostname);
      const self = await c.unary(State.method.get, HOSTNAME, { node: '127.0.0.1' });
      expect(parseYaml(self.resource!.spec!.yamlSpec).hostname).toBe('cp1');
    } finally {
      c.close();
    }
  });
});
