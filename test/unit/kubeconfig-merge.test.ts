// The kubeconfig merge of src/core (issue 12 item 11), as talosctl kubeconfig merges
// (siderolabs/go-kubeconfig): other entries kept, clashes renamed name-1, name-2 (or replaced with
// force), user and context names follow the cluster's rename, the new context made current.
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { KubeconfigError, mergeKubeconfig } from '../../src/core/kubeconfig-merge.js';

const talos = (cluster: string, server: string) =>
  stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: { server, 'certificate-authority-data': 'Q0E=' } }],
    users: [{ name: `admin@${cluster}`, user: { 'client-certificate-data': 'Q1JU', 'client-key-data': 'S0VZ' } }],
    contexts: [{ name: `admin@${cluster}`, context: { cluster, namespace: 'default', user: `admin@${cluster}` } }],
    'current-context': `admin@${cluster}`,
  });

type K = { 'current-context': string; clusters: { name: string; cluster: { server: string } }[]; users: { name: string }[]; contexts: { name: string; context: { cluster: string; user: string } }[]; preferences?: unknown };

describe('mergeKubeconfig', () => {
  it('into nothing: the node\'s kubeconfig, its context current', () => {
    const r = mergeKubeconfig(null, talos('prod', 'https://10.0.0.15:6443'));
    expect(r.context).toBe('admin@prod');
    expect(parse(r.yaml)).toMatchObject({ 'current-context': 'admin@prod', clusters: [{ name: 'prod' }] });
  });

  it('keeps every other entry and field, and the same cluster again changes nothing but current-context', () => {
    const existing = stringify({ apiVersion: 'v1', kind: 'Config', preferences: { colors: true }, clusters: [{ name: 'kind', cluster: { server: 'https://127.0.0.1:1' } }], users: [{ name: 'kind', user: {} }], contexts: [{ name: 'kind', context: { cluster: 'kind', user: 'kind' } }], 'current-context': 'kind' });
    const once = mergeKubeconfig(existing, talos('prod', 'https://10.0.0.15:6443'));
    const twice = mergeKubeconfig(once.yaml, talos('prod', 'https://10.0.0.15:6443'));
    expect(twice.renamed).toEqual([]);
    const k = parse(twice.yaml) as K;
    expect(k.contexts.map((c) => c.name)).toEqual(['kind', 'admin@prod']);
    expect(k.clusters.map((c) => c.name)).toEqual(['kind', 'prod']);
    expect(k.preferences).toEqual({ colors: true });
    expect(k['current-context']).toBe('admin@prod');
  });

  it('renames a clashing cluster to name-1, name-2, and its user and context follow', () => {
    const a = mergeKubeconfig(talos('prod', 'https://old:6443'), talos('prod', 'https://10.0.0.15:6443'));
    // The user needs no rename of its own: its name follows the cluster's (admin@prod -> admin@prod-1).
    expect(a.renamed).toEqual([{ kind: 'cluster', from: 'prod', to: 'prod-1' }]);
    let k = parse(a.yaml) as K;
    expect(a.context).toBe('admin@prod-1');
    expect(k.contexts.find((c) => c.name === 'admin@prod-1')!.context).toMatchObject({ cluster: 'prod-1', user: 'admin@prod-1' });
    expect(k.clusters.find((c) => c.name === 'prod')!.cluster.server).toBe('https://old:6443');
    const b = mergeKubeconfig(a.yaml, talos('prod', 'https://10.0.0.99:6443'));
    expect(b.context).toBe('admin@prod-2');
    k = parse(b.yaml) as K;
    expect(k.clusters.map((c) => c.name)).toEqual(['prod', 'prod-1', 'prod-2']);
  });

  it('force replaces the clashing entries in place', () => {
    const r = mergeKubeconfig(talos('prod', 'https://old:6443'), talos('prod', 'https://10.0.0.15:6443'), { force: true });
    expect(r.renamed).toEqual([]);
    expect(r.overwritten).toEqual(['cluster prod']); // the user entry is identical: nothing to replace
    const k = parse(r.yaml) as K;
    expect(k.clusters).toHaveLength(1);
    expect(k.clusters[0]!.cluster.server).toBe('https://10.0.0.15:6443');
  });

  it('refuses what is not a kubeconfig with one sentence', () => {
    expect(() => mergeKubeconfig('- a\n- b\n', talos('p', 'https://x:1'))).toThrow(KubeconfigError);
    expect(() => mergeKubeconfig('clusters: 3\n', talos('p', 'https://x:1'))).toThrow(/"clusters" must be a list/);
    expect(() => mergeKubeconfig(': :\n\t- [', talos('p', 'https://x:1'))).toThrow(/not valid YAML/);
  });
});
