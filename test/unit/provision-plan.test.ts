import { describe, expect, it } from 'vitest';
import { parseInventory } from '../../src/core/inventory.js';
import { buildPlan, type ConfiguredProbe, type RenderedNode, type ScannedNode } from '../../src/core/provision/plan.js';
import { validateProfile, patchOrder } from '../../src/core/provision/validate.js';
import { nodeIdentityPatch } from '../../src/core/provision/node-patch.js';

const PROFILE = `
cluster: { name: prod-1, endpoint: "https://10.0.0.15:6443", talosVersion: v1.13 }
configDir: ./talos
scan: [10.0.0.0/24]
patches: { all: [common.yaml], controlplane: [cp.yaml] }
nodes:
  - { name: w1, role: worker, mac: "02:00:00:00:00:04", address: 10.0.0.21/24 }
  - { name: cp1, role: controlplane, mac: "02:00:00:00:00:01", address: 10.0.0.11/24, patches: [cp1.yaml] }
  - { name: cp2, role: controlplane, mac: "02:00:00:00:00:02", address: 10.0.0.12/24 }
  - { name: cp3, role: controlplane, mac: "02:00:00:00:00:03", address: 10.0.0.13/24 }
`;

const profile = parseInventory(PROFILE, 'cluster.yaml');
const scanned = (last: number, mac: string, fp: string | null = `fp${last}`): ScannedNode => ({ ip: `10.0.0.${last}`, port: 50000, maintenance: true, macs: [mac], mac, fingerprint: fp });
const allFound = [scanned(101, '02:00:00:00:00:01'), scanned(102, '02:00:00:00:00:02'), scanned(103, '02:00:00:00:00:03'), scanned(104, '02:00:00:00:00:04')];
const rendered = new Map<string, RenderedNode>(profile.nodes.map((n) => [n.name, { config: 'version: v1alpha1\n', error: null, address: n.ip }]));
const none = new Map<string, ConfiguredProbe>();

describe('validateProfile', () => {
  it('accepts the example, orders patches all, role, node', () => {
    expect(validateProfile(profile)).toEqual({ errors: [], warnings: [] });
    expect(patchOrder(profile, 'cp1')).toEqual(['common.yaml', 'cp.yaml', 'cp1.yaml']);
    expect(patchOrder(profile, 'w1')).toEqual(['common.yaml']);
  });

  it('names the entry at fault: duplicate hostname and address, no control plane, even control planes', () => {
    const p = parseInventory(
      'cluster: { name: c, endpoint: "https://10.0.0.1:6443" }\nconfigDir: .\nnodes:\n  - { name: a, role: worker, address: 10.0.0.5/24 }\n  - { name: b, role: worker, hostname: a, address: 10.0.0.5/24 }\n',
      'p.yaml',
    );
    expect(validateProfile(p).errors).toEqual([
      'p.yaml: no node has role controlplane: a cluster needs at least one control plane',
      'p.yaml: nodes[1] (b): hostname a is already used by nodes[0] (a)',
      'p.yaml: nodes[1] (b): address 10.0.0.5 is already used by nodes[0] (a)',
    ]);
    const even = parseInventory('cluster: { name: c, endpoint: "https://10.0.0.1:6443" }\nconfigDir: .\nnodes:\n  - { name: a, role: controlplane }\n  - { name: b, role: controlplane }\n', 'e.yaml');
    expect(validateProfile(even).warnings[0]).toMatch(/2 control planes: etcd quorum/);
  });

  it('wants the configs named once: secrets or configDir', () => {
    const neither = parseInventory('cluster: { name: c, endpoint: "https://10.0.0.1:6443" }\nnodes: [{ name: a, role: controlplane }]\n', 'n.yaml');
    expect(validateProfile(neither).errors[0]).toMatch(/name the configs: "secrets:".*or "configDir:"/);
  });
});

describe('buildPlan', () => {
  it('matches by MAC, pins each fingerprint, orders control planes first, bootstraps the first', () => {
    const plan = buildPlan({ profile, scan: allFound, rendered, configured: none, etcdBootstrapped: false });
    expect(plan.errors).toEqual([]);
    expect(plan.rows.map((r) => [r.name, r.state, r.at, r.fingerprint, r.target, r.action])).toEqual([
      ['cp1', 'found', '10.0.0.101:50000', 'fp101', '10.0.0.11', 'apply'],
      ['cp2', 'found', '10.0.0.102:50000', 'fp102', '10.0.0.12', 'apply'],
      ['cp3', 'found', '10.0.0.103:50000', 'fp103', '10.0.0.13', 'apply'],
      ['w1', 'found', '10.0.0.104:50000', 'fp104', '10.0.0.21', 'apply'],
    ]);
    expect(plan.bootstrap).toBe('cp1');
  });

  it('a missing machine stops the run with the runbook advice, unless running for the nodes found is chosen', () => {
    const scan = allFound.filter((n) => n.ip !== '10.0.0.102');
    const plan = buildPlan({ profile, scan, rendered, configured: none, etcdBootstrapped: false });
    expect(plan.rows.find((r) => r.name === 'cp2')!.state).toBe('missing');
    expect(plan.errors).toEqual(['1 machine not found: cp2; wait 30 s and rescan (nodes may still be booting), or run for the nodes found only (--only-found)']);
    const chosen = buildPlan({ profile, scan, rendered, configured: none, etcdBootstrapped: false, onlyFound: true });
    expect(chosen.errors).toEqual([]);
    expect(chosen.warnings[0]).toMatch(/running for the nodes found only/);
  });

  it('an ambiguous MAC is never resolved by guessing', () => {
    const scan = [...allFound, scanned(105, '02:00:00:00:00:01')];
    const plan = buildPlan({ profile, scan, rendered, configured: none, etcdBootstrapped: false });
    const cp1 = plan.rows.find((r) => r.name === 'cp1')!;
    expect([cp1.state, cp1.action]).toEqual(['ambiguous', 'none']);
    expect(plan.errors).toContain('cp1: ambiguous: 10.0.0.101 and 10.0.0.105 all carry its MAC; nothing is applied to an ambiguous match');
  });

  it('refuses an unpinned apply unless allowed', () => {
    const scan = allFound.map((n, i) => (i === 3 ? { ...n, fingerprint: null } : n));
    expect(buildPlan({ profile, scan, rendered, configured: none, etcdBootstrapped: false }).errors).toEqual([
      'no certificate fingerprint was seen for w1: an unpinned apply is refused unless allowed (--allow-unpinned)',
    ]);
    expect(buildPlan({ profile, scan, rendered, configured: none, etcdBootstrapped: false, allowUnpinned: true }).warnings).toEqual(['unpinned apply to w1: their certificates are not checked']);
  });

  it('resumes: nodes that answer at their target with the right MAC are skipped and drift-checked; no second bootstrap', () => {
    const configured = new Map<string, ConfiguredProbe>([
      ['cp1', { answers: true, macs: ['02:00:00:00:00:01'] }],
      ['cp2', { answers: true, macs: ['02:00:00:00:00:02'] }],
    ]);
    const scan = allFound.slice(2);
    const plan = buildPlan({ profile, scan, rendered, configured, etcdBootstrapped: true });
    expect(plan.errors).toEqual([]);
    expect(plan.rows.map((r) => [r.name, r.state, r.action])).toEqual([
      ['cp1', 'configured', 'check-drift'],
      ['cp2', 'configured', 'check-drift'],
      ['cp3', 'found', 'apply'],
      ['w1', 'found', 'apply'],
    ]);
    expect(plan.bootstrap).toBeNull();
  });

  it('another machine at a node\'s target address is an error, not "configured"', () => {
    const configured = new Map<string, ConfiguredProbe>([['cp1', { answers: true, macs: ['02:00:00:00:00:99'] }]]);
    const plan = buildPlan({ profile, scan: allFound, rendered, configured, etcdBootstrapped: false });
    expect(plan.errors[0]).toBe('cp1: another machine answers at 10.0.0.11 over mTLS (its MACs 02:00:00:00:00:99 are not 02:00:00:00:00:01)');
  });

  it('a config that does not render stops the plan, naming the node', () => {
    const bad = new Map(rendered);
    bad.set('w1', { config: null, error: 'patch file w1.yaml does not exist', address: null });
    expect(buildPlan({ profile, scan: allFound, rendered: bad, configured: none, etcdBootstrapped: false }).errors).toEqual(['w1: patch file w1.yaml does not exist']);
  });

  it('a config that would put the node elsewhere than its profile address is refused before sending', () => {
    const elsewhere = new Map(rendered);
    elsewhere.set('w1', { config: 'x', error: null, address: null });
    expect(buildPlan({ profile, scan: allFound, rendered: elsewhere, configured: none, etcdBootstrapped: false }).errors).toEqual([
      'w1: its config does not put it at 10.0.0.21 (no static address): give its mac (the address goes on that NIC) or a patch with the address',
    ]);
  });

  it('without MACs, count-order matching is labelled', () => {
    const noMacs = parseInventory('cluster: { name: c, endpoint: "https://10.0.0.1:6443" }\nconfigDir: .\nnodes:\n  - { name: a, role: controlplane }\n  - { name: b, role: worker }\n', 'o.yaml');
    const r = new Map<string, RenderedNode>([['a', { config: 'x', error: null, address: null }], ['b', { config: 'x', error: null, address: null }]]);
    const plan = buildPlan({ profile: noMacs, scan: allFound.slice(0, 2), rendered: r, configured: none, etcdBootstrapped: false });
    expect(plan.rows.map((x) => [x.name, x.matchedBy, x.target])).toEqual([['a', 'order', '10.0.0.101'], ['b', 'order', '10.0.0.102']]);
    expect(plan.warnings[0]).toMatch(/count order/);
  });
});

describe('nodeIdentityPatch', () => {
  it('adds hostname and the static address on the NIC with the node\'s MAC, only where the config is silent', () => {
    const cp1 = profile.nodes.find((n) => n.name === 'cp1')!;
    expect(nodeIdentityPatch('machine:\n  type: controlplane\n', cp1, profile.cluster)).toBe(
      'machine:\n  network:\n    hostname: cp1\n    interfaces:\n      - deviceSelector:\n          hardwareAddr: 02:00:00:00:00:01\n        addresses:\n          - 10.0.0.11/24\n        dhcp: false\n',
    );
    expect(nodeIdentityPatch('machine:\n  network:\n    hostname: x\n    interfaces: [{ interface: eth0, addresses: [10.0.0.9/24] }]\n', cp1, profile.cluster)).toBeNull();
  });
});

describe('talhelper talconfig.yaml as a profile', () => {
  const TALCONFIG = `
clusterName: home
endpoint: https://192.168.1.10:6443
talosVersion: v1.13.2
kubernetesVersion: v1.34.1
clusterPodNets: [10.244.0.0/16]
patches: ["@./patches/all.yaml"]
controlPlane: { patches: ["@./patches/cp.yaml"] }
nodes:
  - hostname: kmaster1
    ipAddress: 192.168.1.11
    controlPlane: true
    installDisk: /dev/nvme0n1
    networkInterfaces:
      - deviceSelector: { hardwareAddr: "AA:BB:CC:00:00:01" }
        addresses: [192.168.1.11/24]
  - hostname: kworker1
    ipAddress: 192.168.1.21
    controlPlane: false
    patches: ["@./patches/w1.yaml"]
`;
  it('reads what provisioning needs and lists the rest in one warning', () => {
    const p = parseInventory(TALCONFIG, 'talconfig.yaml');
    expect(p.format).toBe('talhelper');
    expect(p.cluster).toMatchObject({ name: 'home', endpoint: 'https://192.168.1.10:6443', talosVersion: 'v1.13', kubernetesVersion: '1.34.1' });
    expect(p.secrets).toBe('talsecret.yaml');
    expect(p.patches).toEqual({ all: ['./patches/all.yaml'], controlplane: ['./patches/cp.yaml'], worker: [] });
    expect(p.nodes.map((n) => [n.name, n.role, n.mac, n.address, n.installDisk, n.patches])).toEqual([
      ['kmaster1', 'controlplane', 'aa:bb:cc:00:00:01', '192.168.1.11/24', '/dev/nvme0n1', []],
      ['kworker1', 'worker', null, '192.168.1.21/32', null, ['./patches/w1.yaml']],
    ]);
    expect(p.warnings).toEqual(['talconfig.yaml keys talos-tui does not use: clusterPodNets']);
  });

  it('refuses inline patches and variable substitution with a sentence saying what to do', () => {
    expect(() => parseInventory(TALCONFIG.replace('"@./patches/w1.yaml"', '"machine: {}"'), 't.yaml')).toThrow(
      't.yaml: nodes[1] (kworker1): patches[0] is an inline patch; talos-tui reads patch files only: move it to a file and list it as "@./file.yaml"',
    );
    expect(() => parseInventory(TALCONFIG.replace('192.168.1.21', '${W1_IP}'), 't.yaml')).toThrow(/uses talhelper variable substitution/);
  });
});
