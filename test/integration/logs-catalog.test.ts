// The Logs picker's catalog, over real mutual TLS against the simulator: Kubernetes containers are
// listed per node (their ids exist on that node only), pod sandboxes are left out, and a
// maintenance node without CRI simply lists none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/features/logs/catalog.js';
import { selectorKey } from '../../src/features/logs/picker-model.js';
import { nodesFor } from '../../src/core/logs/selector.js';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';
import { insecureClient, parseTalosconfig, TalosSession } from '../../src/talos/index.js';
import { freeLoopback24 } from '../helpers/loopback.js';

// Free loopback /24s (test/helpers/loopback.ts): two runs side by side never collide. `length` keeps
// addresses as wide as the columns and messages below expect.
const NET = await freeLoopback24({ length: 9 });
const NET_RE = NET.replaceAll('.', '\\.');

let sim: SimCluster;
let session: TalosSession;

beforeAll(async () => {
  sim = await startSimCluster({ listen: `${NET}.1`, configured: 2, maintenance: 1, rebootMs: 200 });
  session = new TalosSession(parseTalosconfig(sim.talosconfigText, 'sim'));
});

afterAll(async () => {
  session?.close();
  await sim?.stop();
});

describe('logs catalog', () => {
  it('offers dmesg, the services, and each node\'s Kubernetes containers bound to that node', async () => {
    const [a, b] = sim.nodes.filter((n) => n.mode === 'configured');
    const cat = await loadCatalog([a.address, b.address], (node) => session.target(node));
    expect(cat.errors).toEqual([]);
    expect(cat.entries[0]).toMatchObject({ name: 'dmesg' });
    expect(cat.entries.some((e) => e.selector.kind === 'service' && e.selector.id === 'etcd')).toBe(true);
    const containers = cat.entries.filter((e) => e.selector.kind === 'container');
    const listed = containers.map((e) => { const s = e.selector as { id: string; node: string }; return { id: s.id, node: s.node }; });
    const expected = [a, b].flatMap((n) => n.k8sContainers.map((id) => ({ id, node: n.address })));
    expect(listed.sort((x, y) => x.id.localeCompare(y.id))).toEqual(expected.sort((x, y) => x.id.localeCompare(y.id)));
    // Sandboxes (id == pod id) have no log: none listed.
    for (const e of containers) expect((e.selector as { id: string }).id.split(':').length).toBeGreaterThanOrEqual(3);
    for (const e of containers) expect(e.note).toMatch(new RegExp(String.raw`^k8s running on ${NET_RE}\.1[12]:50000$`));
  });

  it('follows a listed container only on its own node, and keeps same-id entries of two nodes apart', () => {
    const sel = { kind: 'container' as const, id: 'kube-system/x:c:1', node: `${NET}.12:50000` };
    expect(nodesFor(sel, [`${NET}.11:50000`, `${NET}.12:50000`])).toEqual([`${NET}.12:50000`]);
    expect(nodesFor({ kind: 'container', id: 'kube-system/x:c:1' }, ['n1', 'n2'])).toEqual(['n1', 'n2']);
    expect(nodesFor({ kind: 'dmesg' }, ['n1', 'n2'])).toEqual(['n1', 'n2']);
    expect(selectorKey(sel)).not.toBe(selectorKey({ ...sel, node: `${NET}.11:50000` }));
  });

  it('lists no containers for a maintenance node, without calling it an error', async () => {
    const m = sim.nodes.find((n) => n.mode === 'maintenance')!;
    const client = insecureClient(m.address, {});
    try {
      const cat = await loadCatalog([m.address], () => client);
      expect(cat.entries.filter((e) => e.selector.kind === 'container')).toEqual([]);
      expect(cat.entries[0]).toMatchObject({ name: 'dmesg' });
    } finally {
      client.close();
    }
  });
});
