// `talos-tui config render` in-process with temp files: the runbook's per-node controlplane patch
// (hostname, static address, default route, VIP, nameservers) on a controlplane base, -o written
// atomically, and the exit codes (2 bad input, 1 a patch that does not apply).
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { command } from '../../src/cli/commands/config.js';
import { commandLoaders } from '../../src/cli/commands/index.js';
import { runCommand } from '../helpers/run-command.js';

const dir = mkdtempSync(join(tmpdir(), 'talos-tui-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[]) => runCommand(command, args);

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const CONTROLPLANE = `version: v1alpha1
debug: false
persist: true
machine:
  type: controlplane
  token: 9hw2qz.abcdefghijklmnop
  ca:
    crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t
    key: LS0tLS1CRUdJTiBFRDI1NTE5IFBSSVZBVEUgS0VZLS0tLS0=
  certSANs: []
  kubelet:
    image: ghcr.io/siderolabs/kubelet:v1.31.1
    defaultRuntimeSeccompProfileEnabled: true
    disableManifestsDirectory: true
  network: {}
  install:
    disk: /dev/sda
    image: factory.talos.dev/installer/376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba:v1.9.0
    wipe: false
  features:
    rbac: true
    kubePrism:
      enabled: true
      port: 7445
cluster:
  id: 8Sdfb3UkbUxTn-qo4z4KH9o4Lm4a8rb2F6bS1PhoKfo=
  secret: V9vbc1ZYQoXEeYa4hy2yc4HQDe1sF0TUd9dMKyM0Dyk=
  controlPlane:
    endpoint: https://10.0.0.15:6443
  clusterName: prod-1
  network:
    dnsDomain: cluster.local
    podSubnets:
      - 10.244.0.0/16
    serviceSubnets:
      - 10.96.0.0/12
  apiServer:
    image: registry.k8s.io/kube-apiserver:v1.31.1
    certSANs:
      - 10.0.0.15
    admissionControl:
      - name: PodSecurity
        configuration:
          apiVersion: pod-security.admission.config.k8s.io/v1alpha1
          defaults:
            enforce: baseline
          kind: PodSecurityConfiguration
`;

// The runbook's "Control plane node patch template", filled in for cp1.
const CP1 = `machine:
  network:
    hostname: cp1
    interfaces:
      - interface: eth0
        dhcp: false
        addresses:
          - 10.0.0.11/24
        routes:
          - network: 0.0.0.0/0
            gateway: 10.0.0.1
        vip:
          ip: 10.0.0.15
    nameservers:
      - 1.1.1.1
      - 8.8.8.8
`;

describe('talos-tui config render', () => {
  it('is registered as a command', async () => {
    expect(Object.keys(commandLoaders)).toContain('config');
    expect((await commandLoaders.config()).name).toBe('config');
  });

  it("renders the runbook's per-node controlplane patch to stdout", async () => {
    const base = file('controlplane.yaml', CONTROLPLANE);
    const patch = file('cp1.yaml', CP1);
    const r = await run(['render', '-f', base, '--config-patch', `@${patch}`]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const out = parse(r.stdout);
    expect(out.machine.network).toEqual({
      hostname: 'cp1',
      interfaces: [
        { interface: 'eth0', dhcp: false, addresses: ['10.0.0.11/24'], routes: [{ network: '0.0.0.0/0', gateway: '10.0.0.1' }], vip: { ip: '10.0.0.15' } },
      ],
      nameservers: ['1.1.1.1', '8.8.8.8'],
    });
    // Everything else is the base, in the base's order.
    const base0 = parse(CONTROLPLANE);
    expect({ ...out, machine: { ...out.machine, network: {} } }).toEqual(base0);
    expect(Object.keys(out.machine)).toEqual(Object.keys(base0.machine));
  });

  it('applies several patches in order: a JSON patch as in `talosctl gen config`, then the node patch, inline too', async () => {
    const base = file('controlplane.yaml', CONTROLPLANE);
    const patch = file('cp1.yaml', CP1);
    const r = await run([
      'render',
      '-f',
      base,
      '--config-patch',
      '[{"op": "add", "path": "/cluster/network/podSubnets", "value": ["10.42.0.0/16"]}]',
      '--config-patch',
      `@${patch}`,
      '--config-patch',
      'machine:\n  install:\n    wipe: true\n',
    ]);
    expect(r.code).toBe(0);
    const out = parse(r.stdout);
    expect(out.cluster.network.podSubnets).toEqual(['10.42.0.0/16']);
    expect(out.machine.install.wipe).toBe(true);
    expect(out.machine.network.hostname).toBe('cp1');
  });

  it('appends a multi-document patch (HostnameConfig) and writes -o atomically with mode 0600', async () => {
    const base = file('controlplane.yaml', CONTROLPLANE);
    const out = join(dir, 'rendered-cp1.yaml');
    writeFileSync(out, 'old contents');
    const r = await run(['render', '-f', base, '--config-patch', 'apiVersion: v1alpha1\nkind: HostnameConfig\nhostname: cp1\nauto: off\n', '-o', out]);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    const docs = parseAllDocuments(readFileSync(out, 'utf8')).map((d) => d.toJS());
    expect(docs).toHaveLength(2);
    expect(docs[1]).toEqual({ apiVersion: 'v1alpha1', kind: 'HostnameConfig', hostname: 'cp1', auto: 'off' });
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('exit 2: no subcommand, no -f, an unreadable base or patch file, a stray argument, a malformed patch', async () => {
    const base = file('controlplane.yaml', CONTROLPLANE);
    expect(await run([])).toMatchObject({ code: 2, stderr: expect.stringContaining('config: name a subcommand') });
    expect(await run(['show'])).toMatchObject({ code: 2, stderr: 'talos-tui config: unknown subcommand "show" (only "render" exists)\n' });
    expect(await run(['render'])).toMatchObject({ code: 2, stderr: 'talos-tui config: name the base machine config with -f BASE\n' });
    const missing = join(dir, 'nope.yaml');
    expect(await run(['render', '-f', missing])).toMatchObject({ code: 2, stderr: `talos-tui config: base config ${missing} does not exist\n` });
    expect(await run(['render', '-f', base, '--config-patch', `@${missing}`])).toMatchObject({ code: 2, stderr: `talos-tui config: patch file ${missing} does not exist\n` });
    expect(await run(['render', '-f', base, '--config-patch', missing])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(`(a value without spaces is read as a file name, as talosctl does) ${missing} does not exist`),
    });
    expect(await run(['render', '-f', base, 'extra'])).toMatchObject({ code: 2, stderr: expect.stringContaining('unexpected argument "extra"') });
    expect(await run(['render', '-f', base, '--bogus'])).toMatchObject({ code: 2 });
    const bad = file('bad.yaml', 'machine:\n  network: [\n');
    expect(await run(['render', '-f', base, '--config-patch', `@${bad}`])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^talos-tui config: .*bad\.yaml is not valid YAML at line \d+: /) });
  });

  it('exit 1: a patch that does not apply, named in one sentence', async () => {
    const base = file('controlplane.yaml', CONTROLPLANE);
    const del = await run(['render', '-f', base, '--config-patch', 'machine:\n  nodeLabels:\n    nope:\n      $patch: delete\n']);
    expect(del).toEqual({
      code: 1,
      stdout: '',
      stderr: 'talos-tui config: inline patch 1: cannot delete machine.nodeLabels.nope from the v1alpha1 machine config: the path does not exist\n',
    });
    const multi = file('multi.yaml', `${CONTROLPLANE}---\napiVersion: v1alpha1\nkind: HostnameConfig\nhostname: x\n`);
    const json = await run(['render', '-f', multi, '--config-patch', `@${file('j.json', '[{"op":"remove","path":"/debug"}]')}`]);
    expect(json.code).toBe(1);
    expect(json.stderr).toMatch(/j\.json is a JSON 6902 patch, which talosctl applies only to a single-document config, and this config has 2 documents/);
    const failedOp = await run(['render', '-f', base, '--config-patch', '[{"op":"remove","path":"/machine/network/nope"}]']);
    expect(failedOp).toMatchObject({ code: 1, stderr: 'talos-tui config: inline patch 1: operation 1 (remove /machine/network/nope) failed: /machine/network/nope does not exist\n' });
  });
});
