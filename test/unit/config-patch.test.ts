// Config patching as talosctl does it: strategic merge rules (pkg/machinery/config/merge/merge.go and
// the Merge methods of the v1alpha1 types), document matching (configpatcher/strategic.go),
// `$patch: delete` (configloader/internal/decoder/delete.go, selector.go) and JSON 6902.
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import {
  applyPatches,
  classifyPatchArg,
  ConfigPatchError,
  parseConfig,
  parsePatch,
  parsePointer,
  renderConfig,
  renderPatched,
} from '../../src/core/config-patch/index.js';
import { thrownBy } from '../helpers/thrown.js';

const BASE = `version: v1alpha1
machine:
  type: controlplane
  token: abc.def
  certSANs: []
  kubelet:
    image: ghcr.io/siderolabs/kubelet:v1.31.0
    extraArgs:
      rotate-server-certificates: "true"
      feature-gates: A=true
  network:
    hostname: talos-old
    interfaces:
      - interface: eth0
        dhcp: true
        mtu: 1500
        addresses:
          - 10.0.0.5/24
        vlans:
          - vlanId: 10
            mtu: 1500
            addresses: [192.168.10.5/24]
      - deviceSelector:
          hardwareAddr: "02:54:00:00:01:51"
        dhcp: true
    nameservers:
      - 10.0.0.1
  nodeLabels:
    node.kubernetes.io/exclude-from-external-load-balancers: ""
    zone: a
  install:
    disk: /dev/sda
    wipe: true
cluster:
  clusterName: prod-1
  network:
    dnsDomain: cluster.local
    podSubnets:
      - 10.244.0.0/16
    serviceSubnets:
      - 10.96.0.0/12
  apiServer:
    certSANs:
      - 10.0.0.15
    admissionControl:
      - name: PodSecurity
        configuration:
          apiVersion: pod-security.admission.config.k8s.io/v1alpha1
          defaults:
            enforce: baseline
          exemptions:
            namespaces:
              - kube-system
    auditPolicy:
      apiVersion: audit.k8s.io/v1
      kind: Policy
      rules:
        - level: Metadata
`;

const MULTI = `${BASE}---
apiVersion: v1alpha1
kind: HostnameConfig
hostname: node-a
---
apiVersion: v1alpha1
kind: ExtensionServiceConfig
name: nut-client
configFiles:
  - content: MONITOR upsmon
    mountPath: /usr/local/etc/nut/upsmon.conf
environment:
  - NUT_UPS=ups
`;

/** Render base + patches and return the documents as plain JS. */
function render(base: string, ...patches: string[]): any[] {
  const out = renderPatched({ name: 'base.yaml', text: base }, patches.map((text, i) => ({ name: `inline patch ${i + 1}`, text })));
  return parseAllDocuments(out).map((d) => d.toJS());
}
const v1 = (base: string, ...patches: string[]) => render(base, ...patches)[0];

const failure = (base: string, ...patches: string[]) => thrownBy(ConfigPatchError, () => render(base, ...patches));

describe('strategic merge: scalars', () => {
  it('replaces a scalar', () => {
    expect(v1(BASE, 'machine: {network: {hostname: cp1}}').machine.network.hostname).toBe('cp1');
  });
  it('does not replace with a zero value ("" or 0)', () => {
    const c = v1(BASE, 'machine:\n  network:\n    hostname: ""\n    interfaces:\n      - interface: eth0\n        mtu: 0\n');
    expect(c.machine.network.hostname).toBe('talos-old');
    expect(c.machine.network.interfaces[0].mtu).toBe(1500);
  });
  it('always replaces booleans, false included', () => {
    const c = v1(BASE, 'machine: {install: {wipe: false}}');
    expect(c.machine.install.wipe).toBe(false);
    expect(c.machine.install.disk).toBe('/dev/sda');
  });
  it('null leaves the base alone', () => {
    expect(v1(BASE, 'machine: {network: {hostname: null}}').machine.network.hostname).toBe('talos-old');
  });
  it('adds keys the base does not have, after the existing ones', () => {
    const c = v1(BASE, 'machine: {install: {image: ghcr.io/siderolabs/installer:v1.9.0}}');
    expect(Object.keys(c.machine.install)).toEqual(['disk', 'wipe', 'image']);
  });
  it('refuses to merge a mapping into a string, naming the path', () => {
    const e = failure(BASE, 'machine: {network: {hostname: {a: 1}}}');
    expect(e.stage).toBe('apply');
    expect(e.message).toBe('inline patch 1: cannot merge a mapping into a string at machine.network.hostname of the v1alpha1 machine config');
  });
});

describe('strategic merge: lists', () => {
  it('concatenates ordinary lists', () => {
    const c = v1(BASE, 'machine: {network: {nameservers: [1.1.1.1, 8.8.8.8]}}');
    expect(c.machine.network.nameservers).toEqual(['10.0.0.1', '1.1.1.1', '8.8.8.8']);
    expect(v1(BASE, 'cluster: {apiServer: {certSANs: [api.example]}}').cluster.apiServer.certSANs).toEqual(['10.0.0.15', 'api.example']);
  });
  it('replaces cluster.network.podSubnets and serviceSubnets', () => {
    const c = v1(BASE, 'cluster: {network: {podSubnets: [10.42.0.0/16], serviceSubnets: [10.43.0.0/16]}}');
    expect(c.cluster.network.podSubnets).toEqual(['10.42.0.0/16']);
    expect(c.cluster.network.serviceSubnets).toEqual(['10.43.0.0/16']);
  });
  it('replaces cluster.apiServer.auditPolicy whole', () => {
    const c = v1(BASE, 'cluster: {apiServer: {auditPolicy: {apiVersion: audit.k8s.io/v1, kind: Policy, rules: [{level: None}]}}}');
    expect(c.cluster.apiServer.auditPolicy.rules).toEqual([{ level: 'None' }]);
  });
  it('merges machine.network.interfaces by `interface`, appending new ones', () => {
    const c = v1(
      BASE,
      `machine:
  network:
    interfaces:
      - interface: eth0
        dhcp: false
        addresses: [10.0.0.11/24]
      - interface: eth1
        dhcp: true
`,
    );
    const [eth0, sel, eth1] = c.machine.network.interfaces;
    expect(eth0).toEqual({
      interface: 'eth0',
      dhcp: false,
      mtu: 1500,
      addresses: ['10.0.0.5/24', '10.0.0.11/24'],
      vlans: [{ vlanId: 10, mtu: 1500, addresses: ['192.168.10.5/24'] }],
    });
    expect(sel.deviceSelector).toEqual({ hardwareAddr: '02:54:00:00:01:51' });
    expect(eth1).toEqual({ interface: 'eth1', dhcp: true });
  });
  it('merges interfaces by an equal deviceSelector', () => {
    const c = v1(BASE, 'machine: {network: {interfaces: [{deviceSelector: {hardwareAddr: "02:54:00:00:01:51"}, dhcp: false}]}}');
    expect(c.machine.network.interfaces).toHaveLength(2);
    expect(c.machine.network.interfaces[1].dhcp).toBe(false);
  });
  it('never matches a deviceSelector with `physical` (talosctl compares that *bool by pointer)', () => {
    const base = 'machine:\n  network:\n    interfaces:\n      - deviceSelector: {physical: true}\n        dhcp: true\n';
    const c = v1(base, 'machine: {network: {interfaces: [{deviceSelector: {physical: true}, dhcp: false}]}}');
    expect(c.machine.network.interfaces).toHaveLength(2);
  });
  it('merges vlans of an interface by vlanId', () => {
    const c = v1(BASE, 'machine: {network: {interfaces: [{interface: eth0, vlans: [{vlanId: 10, mtu: 9000}, {vlanId: 20, dhcp: true}]}]}}');
    expect(c.machine.network.interfaces[0].vlans).toEqual([
      { vlanId: 10, mtu: 9000, addresses: ['192.168.10.5/24'] },
      { vlanId: 20, dhcp: true },
    ]);
  });
  it('merges cluster.apiServer.admissionControl by name', () => {
    const c = v1(
      BASE,
      `cluster:
  apiServer:
    admissionControl:
      - name: PodSecurity
        configuration:
          defaults: {enforce: restricted}
          exemptions: {namespaces: [monitoring]}
      - name: EventRateLimit
        configuration: {kind: Configuration}
`,
    );
    const [ps, erl] = c.cluster.apiServer.admissionControl;
    expect(ps.configuration.defaults.enforce).toBe('restricted');
    expect(ps.configuration.exemptions.namespaces).toEqual(['kube-system', 'monitoring']);
    expect(erl.name).toBe('EventRateLimit');
  });
  it('replaces extraArgs values key by key (meta.Args is maps.Copy), even with ""', () => {
    const c = v1(BASE, 'machine: {kubelet: {extraArgs: {feature-gates: "", node-ip: 10.0.0.11}}}');
    expect(c.machine.kubelet.extraArgs).toEqual({ 'rotate-server-certificates': 'true', 'feature-gates': '', 'node-ip': '10.0.0.11' });
  });
  it('an empty list in a patch clears a replaced list and leaves a concatenated one', () => {
    const c = v1(BASE, 'cluster: {network: {podSubnets: []}, apiServer: {certSANs: []}}');
    expect(c.cluster.network.podSubnets).toEqual([]);
    expect(c.cluster.apiServer.certSANs).toEqual(['10.0.0.15']);
  });
});

describe('strategic merge: documents', () => {
  it('matches documents by apiVersion/kind and appends unmatched ones', () => {
    const docs = render(
      MULTI,
      `apiVersion: v1alpha1
kind: HostnameConfig
hostname: cp1
---
apiVersion: v1alpha1
kind: ResolverConfig
nameservers:
  - address: 1.1.1.1
`,
    );
    expect(docs.map((d) => d.kind ?? 'v1alpha1')).toEqual(['v1alpha1', 'HostnameConfig', 'ExtensionServiceConfig', 'ResolverConfig']);
    expect(docs[1].hostname).toBe('cp1');
  });
  it('matches named documents by name too, and merges configFiles by mountPath', () => {
    const docs = render(
      MULTI,
      `apiVersion: v1alpha1
kind: ExtensionServiceConfig
name: nut-client
configFiles:
  - content: MONITOR ups2
    mountPath: /usr/local/etc/nut/upsmon.conf
  - content: x
    mountPath: /etc/other
environment: [X=Y]
---
apiVersion: v1alpha1
kind: ExtensionServiceConfig
name: other
environment: [A=B]
`,
    );
    expect(docs).toHaveLength(4);
    expect(docs[2].configFiles).toEqual([
      { content: 'MONITOR ups2', mountPath: '/usr/local/etc/nut/upsmon.conf' },
      { content: 'x', mountPath: '/etc/other' },
    ]);
    expect(docs[2].environment).toEqual(['NUT_UPS=ups', 'X=Y']);
    expect(docs[3].name).toBe('other');
  });
  it('a patch without `version` still patches the v1alpha1 document', () => {
    expect(render(MULTI, 'machine: {network: {hostname: cp1}}')[0].machine.network.hostname).toBe('cp1');
  });
  it('applies a patch naming the same document several times in order (upstream TestPatchMixed)', () => {
    const patch = `apiVersion: v1alpha1
kind: RegistryMirrorConfig
name: r.io
endpoints:
  $patch: delete
---
apiVersion: v1alpha1
kind: RegistryMirrorConfig
name: r.io
endpoints: [{url: 'http://b'}]
---
apiVersion: v1alpha1
kind: RegistryMirrorConfig
name: r.io
skipFallback: true
`;
    const docs = render(`${BASE}---\napiVersion: v1alpha1\nkind: RegistryMirrorConfig\nname: r.io\nendpoints: [{url: 'http://a'}]\n`, patch);
    expect(docs[1]).toEqual({ apiVersion: 'v1alpha1', kind: 'RegistryMirrorConfig', name: 'r.io', endpoints: [{ url: 'http://b' }], skipFallback: true });
  });
  it('refuses a document it cannot identify', () => {
    expect(() => parsePatch('foo: bar\n', 'p.yaml')).toThrow('p.yaml cannot be identified: it has no kind');
  });
});

describe('$patch: delete', () => {
  it('deletes a field', () => {
    const c = v1(BASE, 'machine: {network: {hostname: {$patch: delete}}}');
    expect(c.machine.network).not.toHaveProperty('hostname');
  });
  it('deletes a map key (a node label)', () => {
    const c = v1(BASE, 'machine:\n  nodeLabels:\n    node.kubernetes.io/exclude-from-external-load-balancers:\n      $patch: delete\n');
    expect(c.machine.nodeLabels).toEqual({ zone: 'a' });
  });
  it('deletes list elements by their key: interfaces, admissionControl', () => {
    const c = v1(
      BASE,
      `machine:
  network:
    interfaces:
      - interface: eth0
        $patch: delete
cluster:
  apiServer:
    admissionControl:
      - name: PodSecurity
        $patch: delete
`,
    );
    expect(c.machine.network.interfaces.map((i: any) => i.interface ?? 'selector')).toEqual(['selector']);
    expect(c.cluster.apiServer.admissionControl).toEqual([]);
  });
  it('applies deletes before the merge of the same document (delete, then define afresh)', () => {
    const c = v1(
      BASE,
      `machine:
  network:
    interfaces:
      - interface: eth0
        $patch: delete
      - interface: eth0
        dhcp: false
        addresses: [10.0.0.11/24]
`,
    );
    expect(c.machine.network.interfaces[1]).toEqual({ interface: 'eth0', dhcp: false, addresses: ['10.0.0.11/24'] });
  });
  it('deletes a whole document, and skips deleting one the config does not have', () => {
    const docs = render(
      MULTI,
      'apiVersion: v1alpha1\nkind: HostnameConfig\n$patch: delete\n---\napiVersion: v1alpha1\nkind: KubeFlannelCNIConfig\n$patch: delete\n',
    );
    expect(docs.map((d) => d.kind ?? 'v1alpha1')).toEqual(['v1alpha1', 'ExtensionServiceConfig']);
  });
  it('deleting a path that does not exist fails, naming the patch and the path', () => {
    const e = failure('version: v1alpha1\nmachine: {}\n', 'machine:\n  network:\n    hostname:\n      $patch: delete\n');
    expect(e.stage).toBe('apply');
    expect(e.message).toBe('inline patch 1: cannot delete machine.network.hostname from the v1alpha1 machine config: the path does not exist');
  });
  it('deletes aimed at the v1alpha1 config run before every merge of the patch, whichever document holds them', () => {
    const out = render(BASE, 'machine:\n  nodeLabels:\n    added: x\n---\nmachine:\n  nodeLabels:\n    $patch: delete\n');
    expect(out[0].machine.nodeLabels).toEqual({ added: 'x' });
  });
  it('deleting an absent struct field succeeds quietly; an absent map key fails (talosctl zeroes fields, looks up map keys)', () => {
    const base = 'version: v1alpha1\nmachine:\n  network: {}\n  nodeLabels: {a: b}\n';
    expect(render(base, 'machine:\n  network:\n    hostname:\n      $patch: delete\n')[0].machine.network).toEqual({});
    expect(failure(base, 'machine:\n  nodeLabels:\n    zone:\n      $patch: delete\n').message).toBe(
      'inline patch 1: cannot delete machine.nodeLabels.zone from the v1alpha1 machine config: the path does not exist',
    );
  });
  it('deleting a list element that is not there fails', () => {
    const e = failure(BASE, 'machine: {network: {interfaces: [{interface: eth9, $patch: delete}]}}');
    expect(e.message).toBe('inline patch 1: cannot delete machine.network.interfaces[interface=eth9] from the v1alpha1 machine config: no element has interface: eth9');
  });
  it('refuses to delete an inner key of a list element, as talosctl does', () => {
    expect(() => parsePatch('machine: {network: {interfaces: [{interface: eth0, vip: {$patch: delete}}]}}', 'p.yaml')).toThrow(
      "p.yaml: cannot delete an inner key of a list element (machine.network.interfaces[0].vip)",
    );
  });
  it('a whole-document delete needs apiVersion and kind (so the v1alpha1 document cannot be deleted)', () => {
    expect(() => parsePatch('version: v1alpha1\n$patch: delete\n', 'p.yaml')).toThrow('p.yaml: deleting a whole document needs its apiVersion and kind');
  });
  it('refuses other $patch directives', () => {
    expect(() => parsePatch('machine: {network: {$patch: replace}}', 'p.yaml')).toThrow('only "$patch: delete" is supported');
  });
});

describe('JSON 6902', () => {
  const single = 'version: v1alpha1\nmachine:\n  network:\n    hostname: a\n    interfaces:\n      - interface: eth0\n  certSANs: []\ncluster:\n  network:\n    podSubnets: [10.244.0.0/16]\n';
  it('add/replace/remove/move/copy/test as a JSON array', () => {
    const c = v1(
      single,
      JSON.stringify([
        { op: 'test', path: '/machine/network/hostname', value: 'a' },
        { op: 'replace', path: '/machine/network/hostname', value: 'cp1' },
        { op: 'add', path: '/cluster/network/podSubnets', value: ['10.42.0.0/16'] },
        { op: 'add', path: '/machine/certSANs/-', value: 'b' },
        { op: 'add', path: '/machine/certSANs/0', value: 'a' },
        { op: 'copy', from: '/machine/network/hostname', path: '/machine/nodeLabels' },
        { op: 'move', from: '/machine/nodeLabels', path: '/machine/network/alias' },
        { op: 'remove', path: '/machine/network/interfaces/0' },
      ]),
    );
    expect(c.machine.network).toEqual({ hostname: 'cp1', interfaces: [], alias: 'cp1' });
    expect(c.machine.certSANs).toEqual(['a', 'b']);
    expect(c.cluster.network.podSubnets).toEqual(['10.42.0.0/16']);
  });
  it('accepts a YAML list of operations', () => {
    const c = v1(single, '- op: add\n  path: /machine/network/interfaces/0/addresses\n  value:\n    - 10.1.2.3/24\n');
    expect(c.machine.network.interfaces[0].addresses).toEqual(['10.1.2.3/24']);
  });
  it('unescapes ~1 and ~0 in pointers', () => {
    expect(parsePointer('/machine/nodeLabels/topology.kubernetes.io~1zone')).toEqual(['machine', 'nodeLabels', 'topology.kubernetes.io/zone']);
    expect(parsePointer('/a~0b')).toEqual(['a~b']);
    expect(parsePointer('a')).toMatch(/must start with/);
    expect(parsePointer('/a~2')).toMatch(/not followed by 0 or 1/);
    const c = v1(single, '[{"op":"add","path":"/machine/nodeLabels","value":{}},{"op":"add","path":"/machine/nodeLabels/topology.kubernetes.io~1zone","value":"z1"}]');
    expect(c.machine.nodeLabels).toEqual({ 'topology.kubernetes.io/zone': 'z1' });
  });
  it('names the patch, the operation and the path when one fails', () => {
    expect(failure(single, '[{"op":"add","path":"/a","value":1},{"op":"replace","path":"/machine/nope/x","value":1}]').message).toBe(
      'inline patch 1: operation 2 (replace /machine/nope/x) failed: /machine/nope does not exist',
    );
    expect(failure(single, '[{"op":"remove","path":"/machine/install"}]').message).toMatch(/operation 1 \(remove \/machine\/install\) failed/);
    expect(failure(single, '[{"op":"test","path":"/machine/network/hostname","value":"b"}]').message).toMatch(/test failed/);
    expect(failure(single, '[{"op":"add","path":"/machine/certSANs/5","value":"x"}]').message).toMatch(/past the end/);
    expect(failure(single, '[{"op":"add","path":"/nope/x","value":"x"}]').message).toMatch(/\/nope does not exist/);
  });
  it('replace of a missing mapping key adds it, and test of one against null passes (evanphx/json-patch, as talosctl)', () => {
    const out = render(single, '[{"op":"replace","path":"/machine/network/nope","value":1},{"op":"test","path":"/machine/absent","value":null}]');
    expect(out[0].machine.network.nope).toBe(1);
  });
  it('checks the shape of operations when parsing', () => {
    expect(() => parsePatch('[{"op":"frob","path":"/a"}]', 'p.json')).toThrow('p.json: operation 1 (frob /a) needs "op" set to one of add, remove, replace, move, copy, test');
    expect(() => parsePatch('[{"op":"add","path":"/a"}]', 'p.json')).toThrow('p.json: operation 1 (add /a) needs a "value"');
    expect(() => parsePatch('[{"op":"move","path":"/a"}]', 'p.json')).toThrow('needs a "from" string');
  });
  it('is refused on a multi-document config, naming the patch', () => {
    const e = failure(MULTI, '[{"op":"add","path":"/machine/network/hostname","value":"x"}]');
    expect(e.stage).toBe('apply');
    expect(e.message).toBe(
      'inline patch 1 is a JSON 6902 patch, which talosctl applies only to a single-document config, and this config has 3 documents (use a strategic merge patch)',
    );
  });
  it('is refused once a strategic patch has appended a second document', () => {
    const e = failure(single, 'apiVersion: v1alpha1\nkind: HostnameConfig\nhostname: x\n', '[{"op":"remove","path":"/machine/certSANs"}]');
    expect(e.message).toMatch(/^inline patch 2 is a JSON 6902 patch.*has 2 documents/);
  });
});

describe('parsing and rendering', () => {
  it('reports YAML errors with the input name and line', () => {
    const e = (() => {
      try {
        parsePatch('machine:\n  network: [\n', 'patches/cp1.yaml');
      } catch (err) {
        return err as ConfigPatchError;
      }
    })();
    expect(e?.stage).toBe('parse');
    expect(e?.message).toMatch(/^patches\/cp1\.yaml is not valid YAML at line \d+: /);
  });
  it('keeps scalars as written: no `.inf` for 1e999999, no decoding of !!binary, exponents untouched', () => {
    const base = 'version: v1alpha1\nmachine:\n  a: 1e999999\n  b: !!binary aGVsbG8=\n  c: 1.0e3\n  d: 0x1F\n  e: !!binary |\n    aGVs\n    bG8=\n';
    const out = renderPatched({ name: 'b', text: base }, [{ name: 'p', text: 'machine: {f: 2e999999, g: !!binary d29ybGQ=}' }]);
    expect(out).toBe(
      'version: v1alpha1\nmachine:\n  a: 1e999999\n  b: !!binary "aGVsbG8="\n  c: 1.0e3\n  d: 0x1F\n  e: !!binary "aGVs\\nbG8=\\n"\n  f: 2e999999\n  g: !!binary "d29ybGQ="\n',
    );
  });
  it('empty text is an empty JSON 6902 patch, and `{}` is refused, as talosctl reads them', () => {
    expect(parsePatch('', 'e')).toEqual({ type: 'json6902', name: 'e', ops: [] });
    expect(parsePatch('# only a comment\n', 'e').type).toBe('json6902');
    for (const text of ['{}', 'version: v1alpha1\n']) {
      expect(() => parsePatch(text, 'e2')).toThrow('e2 holds no config to patch with (talosctl refuses it: "config not found")');
    }
  });
  it('a JSON 6902 patch goes through JSON as in talosctl: YAML 1.1 booleans, numbers as values, no infinities', () => {
    const base = 'version: v1alpha1\nmachine:\n  nodeLabels:\n    a: n\n    y: "on"\n    v: 1.10\n    on: x\n';
    expect(renderPatched({ name: 'b', text: base }, [{ name: 'e', text: '' }])).toBe(
      'version: v1alpha1\nmachine:\n  nodeLabels:\n    a: false\n    "true": x\n    v: 1.1\n',
    );
    expect(() => renderPatched({ name: 'b', text: 'version: v1alpha1\nmachine: {x: 1e999}\n' }, [{ name: 'j', text: '[]' }])).toThrow(
      'j: talosctl applies a JSON 6902 patch through JSON, which cannot hold the number 1e999',
    );
  });
  it('keeps key order, quoting and block literals of the base', () => {
    const base = 'version: v1alpha1\nmachine:\n  token: "0123"\n  files:\n    - content: |\n        line1\n        line2\n      path: /var/f\n  type: worker # comment dropped\n';
    const out = renderPatched({ name: 'b', text: base }, [{ name: 'p', text: 'machine: {network: {hostname: w1}}' }]);
    expect(out).toBe(
      'version: v1alpha1\nmachine:\n  token: "0123"\n  files:\n    - content: |\n        line1\n        line2\n      path: /var/f\n  type: worker\n  network:\n    hostname: w1\n',
    );
  });
  it('does not fold long lines (certificates, tokens)', () => {
    const long = 'x'.repeat(300);
    const out = renderPatched({ name: 'b', text: `version: v1alpha1\nmachine:\n  ca:\n    crt: ${long}\n` }, []);
    expect(out).toContain(`crt: ${long}\n`);
  });
  it('refuses a base with the same document twice', () => {
    expect(() => parseConfig('apiVersion: v1alpha1\nkind: HostnameConfig\n---\napiVersion: v1alpha1\nkind: HostnameConfig\n', 'b.yaml')).toThrow('b.yaml has HostnameConfig twice');
  });
  it('does not modify the parsed base', () => {
    const base = parseConfig(BASE, 'b');
    const before = renderConfig(base);
    applyPatches(base, [parsePatch('machine: {network: {hostname: x, nameservers: [9.9.9.9]}}', 'p')]);
    expect(renderConfig(base)).toBe(before);
  });
  it('classifies --config-patch values as talosctl does', () => {
    expect(classifyPatchArg('@patches/cp1.yaml', 1)).toEqual({ kind: 'file', path: 'patches/cp1.yaml', name: 'patches/cp1.yaml' });
    expect(classifyPatchArg('patches/cp1.yaml', 1)).toMatchObject({ kind: 'file', path: 'patches/cp1.yaml' });
    expect(classifyPatchArg('machine: {}', 2)).toEqual({ kind: 'inline', text: 'machine: {}', name: 'inline patch 2' });
    expect(classifyPatchArg('[{"op":"remove","path":"/a"}]', 3)).toMatchObject({ kind: 'inline', name: 'inline patch 3' });
    expect(classifyPatchArg('{"machine":{}}', 4)).toMatchObject({ kind: 'inline' });
  });
  it('round-trips the base through parse and render', () => {
    expect(parse(renderConfig(parseConfig(BASE, 'b')))).toEqual(parse(BASE));
  });
});
