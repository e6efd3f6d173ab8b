import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mergeKubeconfig } from '../../src/core/provision/kubeconfig-merge.js';
import { mergeTalosconfig } from '../../src/core/provision/talosconfig-merge.js';

const kube = (name: string, server: string) =>
  `apiVersion: v1\nkind: Config\nclusters:\n  - name: ${name}\n    cluster: { server: "${server}" }\nusers:\n  - name: admin@${name}\n    user: { token: t-${server} }\ncontexts:\n  - name: admin@${name}\n    context: { cluster: ${name}, user: admin@${name} }\ncurrent-context: admin@${name}\n`;

describe('mergeKubeconfig (as talosctl kubeconfig merges)', () => {
  it('adds the cluster next to the others and makes its context current', () => {
    const m = mergeKubeconfig(kube('other', 'https://10.9.0.1:6443'), kube('prod', 'https://10.0.0.15:6443'), { force: false });
    const out = parse(m.text);
    expect(out.contexts.map((c: { name: string }) => c.name)).toEqual(['admin@other', 'admin@prod']);
    expect(out['current-context']).toBe('admin@prod');
    expect(m.changes).toEqual([]);
  });

  it('an identical entry is left alone (a rerun changes nothing)', () => {
    const once = mergeKubeconfig(null, kube('prod', 'https://10.0.0.15:6443'), { force: false });
    const twice = mergeKubeconfig(once.text, kube('prod', 'https://10.0.0.15:6443'), { force: false });
    expect(twice.text).toBe(once.text);
  });

  it('a clash is renamed NAME-1 with its references, or replaced with --force', () => {
    const old = kube('prod', 'https://10.0.0.99:6443');
    const renamed = mergeKubeconfig(old, kube('prod', 'https://10.0.0.15:6443'), { force: false });
    const out = parse(renamed.text);
    expect(renamed.context).toBe('admin@prod-1');
    expect(out.contexts[1]).toEqual({ name: 'admin@prod-1', context: { cluster: 'prod-1', user: 'admin@prod-1' } });
    expect(out.clusters.map((c: { name: string }) => c.name)).toEqual(['prod', 'prod-1']);
    const forced = parse(mergeKubeconfig(old, kube('prod', 'https://10.0.0.15:6443'), { force: true }).text);
    expect(forced.clusters).toEqual([{ name: 'prod', cluster: { server: 'https://10.0.0.15:6443' } }]);
  });
});

describe('mergeTalosconfig (runbook step 12)', () => {
  const generated = 'context: prod\ncontexts:\n  prod:\n    endpoints: []\n    ca: CA1\n    crt: C\n    key: K\n';
  it('writes endpoints = control planes and nodes = all, keeps other contexts, and updates its own on a rerun', () => {
    const existing = 'context: lab\ncontexts:\n  lab: { endpoints: [10.9.0.1], ca: X, crt: Y, key: Z }\n';
    const m = mergeTalosconfig(existing, generated, { clusterName: 'prod', endpoints: ['10.0.0.11'], nodes: ['10.0.0.11', '10.0.0.21'], force: false });
    const out = parse(m.text);
    expect(out.context).toBe('prod');
    expect(out.contexts.lab.endpoints).toEqual(['10.9.0.1']);
    expect(out.contexts.prod).toMatchObject({ endpoints: ['10.0.0.11'], nodes: ['10.0.0.11', '10.0.0.21'], ca: 'CA1' });
    const again = mergeTalosconfig(m.text, generated, { clusterName: 'prod', endpoints: ['10.0.0.11'], nodes: ['10.0.0.11'], force: false });
    expect(again.change).toBe('talosconfig context prod updated');
  });

  it('a context of the same name with another CA is another cluster\'s: kept, the new one is prod-1', () => {
    const existing = 'context: prod\ncontexts:\n  prod: { endpoints: [10.9.0.1], ca: OTHER, crt: Y, key: Z }\n';
    const m = mergeTalosconfig(existing, generated, { clusterName: 'prod', endpoints: ['10.0.0.11'], nodes: ['10.0.0.11'], force: false });
    expect(m.context).toBe('prod-1');
    expect(parse(m.text).contexts.prod.ca).toBe('OTHER');
  });
});
