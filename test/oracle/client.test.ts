// The simulator (src/sim) against machinery's own client (the library talosctl is built on), through
// the oracle's `client`: every call the panes and headless commands make, decoded into Talos's own
// types. What Talos's client gets must be what the product reads from the same node (yaml_spec, the
// sim's state); where Talos itself answers differently (maintenance mode, apid's proxying), the
// simulator must answer as Talos does.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Kinds } from '../../src/talos/api/cosi.js';
import type { SimCluster, SimNode } from '../../src/sim/index.js';
import { startSimOnFreeLoopback } from '../helpers/loopback.js';
import { describeOracle, runOracleAsync } from './oracle.js';

interface CallResult<T = any> {
  call: string;
  result?: T;
  error?: { code: string; message: string };
}
interface TalosResource {
  goType: string;
  metadata: { namespace: string; type: string; id: string; version: string };
  spec: unknown;
}

type Call = Record<string, unknown> & { call: string };

const OMITTED_BY_TALOS_YAML = new Set(['local', 'broadcast', 'anycast', 'multicast']);

describeOracle("the simulator vs Talos's own client (machinery/client)", () => {
  let sim: SimCluster;
  let cp1: SimNode;
  let w1: SimNode;
  let m1: SimNode;

  beforeAll(async () => {
    sim = await startSimOnFreeLoopback({ configured: 2, maintenance: 1, bootstrapped: true });
    cp1 = sim.node('cp1')!;
    w1 = sim.node('w1')!;
    m1 = sim.node('m1')!;
  });
  afterAll(() => sim?.stop());

  /** Calls through the talosconfig (endpoint cp1, mutual TLS), targeted at `node` as talosctl -n does. */
  const configured = (node: SimNode, calls: Call[]) =>
    runOracleAsync<CallResult[]>('client', JSON.stringify({ talosconfig: sim.talosconfigText, node: node.ip, timeoutMs: 5000, calls }));
  /** Calls as talosctl --insecure does on a maintenance node, pinned to its certificate's fingerprint. */
  const maintenance = (calls: Call[]) =>
    runOracleAsync<CallResult[]>('client', JSON.stringify({ maintenance: m1.address, fingerprints: [m1.leafFingerprint], timeoutMs: 5000, calls }));

  /** The product's reading of a resource: its yaml_spec, as the sim stores it. */
  const productSpec = (node: SimNode, namespace: string, type: string, id: string) => {
    const r = (node as unknown as { machine: { store: { get(ns: string, t: string, id: string): { yaml: string } | undefined } } }).machine.store.get(namespace, type, id);
    return r ? parse(r.yaml, { intAsBigInt: false }) : undefined;
  };

  /** Every field the product reads (yaml_spec) has the same value in Talos's decoding of proto_spec. */
  function expectSameSpec(node: SimNode, r: TalosResource): void {
    const ours = productSpec(node, r.metadata.namespace, r.metadata.type, r.metadata.id);
    const where = `${r.metadata.type} ${r.metadata.id} on ${node.name} (decoded as ${r.goType})`;
    expect(ours, where).toBeDefined();
    if (typeof ours !== 'object' || ours === null) {
      expect(r.spec, where).toEqual(ours);
      return;
    }
    const theirs = r.spec as Record<string, unknown>;
    for (const [k, v] of Object.entries(ours)) {
      if (v === '' || v === null) continue; // zero values: proto3 does not carry them, Go prints its own zero
      // Talos's YAML drops an omitempty netip.Addr (local, broadcast): nothing to compare it with.
      if (!(k in theirs) && OMITTED_BY_TALOS_YAML.has(k)) continue;
      if (typeof v === 'object') expect(theirs[k], `${where}: ${k}`).toMatchObject(v as object);
      else expect(theirs[k], `${where}: ${k}`).toEqual(v);
    }
  }

  it('COSI List of every kind the product reads: Talos decodes proto_spec to what yaml_spec says', async () => {
    await configured(cp1, [{ call: 'MetaWrite', key: 10, data: 'links: []\n' }]);
    for (const node of [cp1, w1]) {
      const kinds = Object.values(Kinds);
      const results = await configured(node, kinds.map((k) => ({ call: 'List', namespace: k.namespace, type: k.type })));
      let compared = 0;
      results.forEach((res, i) => {
        const kind = kinds[i];
        if (kind.type === Kinds.members.type && node === w1) return; // discovery members: control planes only in the sim
        expect(res.error, `${kind.type} on ${node.name}`).toBeUndefined();
        for (const r of res.result as TalosResource[]) {
          expect(r.goType, kind.type).not.toMatch(/protobuf\.Resource/);
          expectSameSpec(node, r);
          compared++;
        }
      });
      expect(compared).toBeGreaterThan(15);
    }
  });

  it('COSI Get of the single resources the panes read, and Watch with bootstrap contents as the panes watch', async () => {
    const [hostname, machineType, version, status, watch] = await configured(cp1, [
      { call: 'Get', ...Kinds.hostname, id: 'hostname' },
      { call: 'Get', ...Kinds.machineType, id: 'machine-type' },
      { call: 'Get', ...Kinds.version, id: 'version' },
      { call: 'Get', ...Kinds.machineStatus, id: 'machine' },
      { call: 'Watch', ...Kinds.services },
    ]);
    for (const r of [hostname, machineType, version, status]) {
      expect(r.error, r.call).toBeUndefined();
      expectSameSpec(cp1, r.result);
    }
    expect((hostname.result.spec as { hostname: string }).hostname).toBe('cp1');
    expect(machineType.result.spec).toBe('controlplane');
    expect(watch.error).toBeUndefined();
    expect(watch.result.bootstrapped).toBe(true);
    expect(watch.result.events.length).toBeGreaterThan(3);
    for (const ev of watch.result.events) expectSameSpec(cp1, ev.resource);
  });

  it('Version, ServiceList, etcd status/members/alarms, logs, dmesg, kubeconfig and a dry-run apply answer through Talos types', async () => {
    const results = await configured(cp1, [
      { call: 'Version' }, { call: 'ServiceList' }, { call: 'EtcdStatus' }, { call: 'EtcdMemberList' }, { call: 'EtcdAlarmList' },
      { call: 'Logs', id: 'apid', tail: 5 }, { call: 'Dmesg' }, { call: 'Kubeconfig' },
      { call: 'ApplyConfiguration', mode: 'AUTO', data: 'version: v1alpha1\nmachine:\n  type: controlplane\n' },
    ]);
    const by = Object.fromEntries(results.map((r) => [r.call, r]));
    for (const r of results) expect(r.error, r.call).toBeUndefined();
    expect(by.Version.result.messages[0].version.tag).toMatch(/^v1\.\d+\.\d+$/);
    expect(by.Version.result.messages[0].features).toEqual({ rbac: true });
    expect(by.ServiceList.result.messages[0].services.map((s: { id: string }) => s.id)).toEqual(expect.arrayContaining(['apid', 'etcd', 'kubelet']));
    expect(by.EtcdMemberList.result.messages[0].members[0].hostname).toBe('cp1');
    expect(by.EtcdStatus.result.messages[0].memberStatus.memberId).toBe(by.EtcdMemberList.result.messages[0].members[0].id);
    expect(by.Logs.result.text.trim().split('\n')).toHaveLength(5);
    expect(by.Dmesg.result.messages).toBeGreaterThan(10);
    expect(by.Kubeconfig.result.kubeconfig).toMatch(/^apiVersion: v1\nkind: Config\n/);
    expect(by.ApplyConfiguration.result.messages[0].modeDetails).toMatch(/Dry run/i);
  });

  it('disks, containers and log sources (discovery details, logs picker), and a META key written then deleted', async () => {
    const [disks, containers, logSources, write, afterWrite, del, afterDelete] = await configured(w1, [
      { call: 'Disks' }, { call: 'Containers' }, { call: 'LogsContainers' },
      { call: 'MetaWrite', key: 11, data: 'x' }, { call: 'Get', ...Kinds.metaKeys, id: '0x0b' },
      { call: 'MetaDelete', key: 11 }, { call: 'Get', ...Kinds.metaKeys, id: '0x0b' },
    ]);
    for (const r of [disks, containers, logSources, write, afterWrite, del]) expect(r.error, r.call).toBeUndefined();
    const devs = disks.result.messages[0].disks.map((d: { deviceName: string }) => d.deviceName);
    expect(devs.length).toBeGreaterThan(0);
    expect(containers.result.messages[0].containers.length).toBeGreaterThan(0);
    expect(logSources.result.messages[0].ids).toEqual(expect.arrayContaining(['kubelet']));
    expect(afterWrite.result.spec).toEqual({ value: 'x' });
    expect(afterDelete.error?.code).toBe('NotFound');
  });

  it('a `node` call is proxied one-to-one: apid leaves the reply alone, no metadata.hostname', async () => {
    const [version, services] = await configured(w1, [{ call: 'Version' }, { call: 'ServiceList' }]);
    expect(version.result.messages[0].metadata).toBeUndefined();
    expect(services.result.messages[0].metadata).toBeUndefined();
  });

  it('maintenance mode: reads as os:reader, no RBAC feature without a config, PermissionDenied for writes, sensitive and unknown types', async () => {
    const results = await maintenance([
      { call: 'Version' },
      { call: 'List', ...Kinds.links },
      { call: 'Get', ...Kinds.machineType, id: 'machine-type' },
      { call: 'List', namespace: 'secrets', type: 'OSRootSecrets.secrets.talos.dev' },
      { call: 'Get', namespace: 'config', type: 'MachineConfigs.config.talos.dev', id: 'v1alpha1' },
      { call: 'List', namespace: 'runtime', type: 'NoSuchThings.runtime.talos.dev' },
      { call: 'MetaWrite', key: 10, data: 'links: []\n' },
      { call: 'ApplyConfiguration', mode: 'AUTO', data: 'version: v1alpha1\nmachine:\n  type: worker\n' },
    ]);
    const [version, links, machineType, secrets, machineConfig, unknown, metaWrite, dryRun] = results;
    expect(version.error).toBeUndefined();
    expect(version.result.messages[0].features).toBeUndefined();
    expect(links.error).toBeUndefined();
    for (const r of links.result as TalosResource[]) expectSameSpec(m1, r);
    expect(machineType.result.spec).toBe('unknown');
    expect(secrets.error).toEqual({ code: 'PermissionDenied', message: 'not authorized' });
    expect(machineConfig.error).toEqual({ code: 'PermissionDenied', message: 'not authorized' });
    expect(unknown.error).toEqual({ code: 'PermissionDenied', message: 'resource type "NoSuchThings.runtime.talos.dev" is not supported' });
    expect(metaWrite.error).toEqual({ code: 'PermissionDenied', message: 'not authorized' });
    expect(dryRun.error).toBeUndefined();
  });
});
