import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseInventory } from '../../src/core/inventory.js';
import { matchInventory, mergeScan, primaryMac, type DiscoveredNode, type LinkFacts } from '../../src/core/match.js';

const inventory = (yaml: string) => parseInventory(yaml, 'inv.yaml');

const WITH_MACS = inventory(`
nodes:
  - { name: cp1, role: controlplane, mac: "02:54:00:00:01:51" }
  - { name: cp2, role: controlplane, mac: "02:54:00:00:01:52" }
  - { name: w1, role: worker, mac: "02:54:00:00:02:01" }
`);

const NO_MACS = inventory(`
nodes:
  - { name: cp1, role: controlplane }
  - { name: cp2, role: controlplane }
  - { name: w1, role: worker }
`);

function node(ip: string, macs: string[], extra: Partial<DiscoveredNode> = {}): DiscoveredNode {
  return { ip, port: 50000, maintenance: true, macs, mac: macs[0] ?? null, ...extra };
}

describe('matchInventory by MAC', () => {
  it('matches, and reports missing and unknown', () => {
    const result = matchInventory(
      [node('127.0.10.30', ['02:54:00:00:01:52']), node('127.0.10.7', ['02:54:00:00:01:51']), node('127.0.10.99', ['02:54:00:00:09:99'])],
      WITH_MACS,
    );
    expect(result.mode).toBe('mac');
    expect(result.matched).toEqual([
      { name: 'cp1', ip: '127.0.10.7', port: 50000, mac: '02:54:00:00:01:51', by: 'mac' },
      { name: 'cp2', ip: '127.0.10.30', port: 50000, mac: '02:54:00:00:01:52', by: 'mac' },
    ]);
    expect(result.missing).toEqual(['w1']);
    expect(result.unknown).toEqual(['127.0.10.99']);
    expect(result.ambiguous).toEqual([]);
  });

  it('an upper-case or dash MAC in the inventory matches the node', () => {
    const inv = inventory('nodes:\n  - { name: cp1, role: controlplane, mac: "02-54-00-00-01-AB" }\n');
    const result = matchInventory([node('127.0.10.7', ['02:54:00:00:01:ab'])], inv);
    expect(result.matched.map((m) => m.name)).toEqual(['cp1']);
  });

  it('tolerates upper-case MACs reported by the node', () => {
    const result = matchInventory([node('127.0.10.7', ['02:54:00:00:01:51'.toUpperCase()])], WITH_MACS);
    expect(result.matched.map((m) => m.name)).toEqual(['cp1']);
  });

  it('a bond node is matched by a slave permanent address that is not its primary', () => {
    const { mac, macs } = primaryMac(BOND_LINKS);
    const result = matchInventory([node('127.0.10.8', macs, { mac })], WITH_MACS);
    expect(result.matched).toEqual([{ name: 'w1', ip: '127.0.10.8', port: 50000, mac: '02:54:00:00:02:01', by: 'mac' }]);
  });

  it('one entry claimed by two nodes: ambiguous, neither matched, missing nor unknown', () => {
    const result = matchInventory(
      [node('127.0.10.20', ['02:54:00:00:01:51']), node('127.0.10.3', ['02:54:00:00:01:51']), node('127.0.10.9', ['02:54:00:00:01:52'])],
      WITH_MACS,
    );
    expect(result.ambiguous).toEqual([{ kind: 'entry-claimed-by-several-nodes', names: ['cp1'], ips: ['127.0.10.3', '127.0.10.20'] }]);
    expect(result.matched.map((m) => m.name)).toEqual(['cp2']);
    expect(result.missing).toEqual(['w1']);
    expect(result.unknown).toEqual([]);
  });

  it('one node carrying the MACs of two entries: ambiguous, and so is the other claimant of either entry', () => {
    const result = matchInventory(
      [node('127.0.10.5', ['02:54:00:00:01:51', '02:54:00:00:01:52']), node('127.0.10.6', ['02:54:00:00:01:52'])],
      WITH_MACS,
    );
    expect(result.ambiguous).toEqual(
      expect.arrayContaining([
        { kind: 'node-claims-several-entries', names: ['cp1', 'cp2'], ips: ['127.0.10.5'] },
        { kind: 'entry-claimed-by-several-nodes', names: ['cp2'], ips: ['127.0.10.5', '127.0.10.6'] },
      ]),
    );
    expect(result.ambiguous).toHaveLength(2);
    expect(result.matched).toEqual([]);
    expect(result.unknown).toEqual([]);
    expect(result.missing).toEqual(['w1']);
  });

  it('nodes without MACs (identification failed) are unknown', () => {
    const result = matchInventory([node('127.0.10.5', [])], WITH_MACS);
    expect(result.unknown).toEqual(['127.0.10.5']);
    expect(result.missing).toEqual(['cp1', 'cp2', 'w1']);
  });

  it('entries without a MAC in a MAC inventory are missing and listed as unmatchable', () => {
    const inv = inventory('nodes:\n  - { name: cp1, role: controlplane, mac: "02:54:00:00:01:51" }\n  - { name: w9, role: worker }\n');
    const result = matchInventory([node('127.0.10.5', ['02:54:00:00:01:51']), node('127.0.10.6', ['02:54:00:00:07:07'])], inv);
    expect(result.mode).toBe('mac');
    expect(result.missing).toEqual(['w9']);
    expect(result.withoutMac).toEqual(['w9']);
    expect(result.note).toMatch(/w9/);
    expect(result.unknown).toEqual(['127.0.10.6']);
  });

  it('labels nodes sharing one IP with their port', () => {
    const result = matchInventory([node('127.0.0.1', [], { port: 50001 }), node('127.0.0.1', [], { port: 50002 }), node('127.0.0.2', [])], WITH_MACS);
    expect(result.unknown).toEqual(['127.0.0.1:50001', '127.0.0.1:50002', '127.0.0.2']);
  });
});

describe('matchInventory by count order', () => {
  it('assigns maintenance nodes sorted numerically by IP in inventory order, labelled order', () => {
    const result = matchInventory([node('127.0.10.100', []), node('127.0.10.9', []), node('127.0.10.20', [])], NO_MACS);
    expect(result.mode).toBe('order');
    expect(result.matched.map((m) => [m.name, m.ip, m.by])).toEqual([
      ['cp1', '127.0.10.9', 'order'],
      ['cp2', '127.0.10.20', 'order'],
      ['w1', '127.0.10.100', 'order'],
    ]);
    expect(result.note).toMatch(/count order/);
  });

  it('configured nodes do not count and stay unknown', () => {
    const result = matchInventory(
      [node('127.0.10.1', [], { maintenance: false }), node('127.0.10.100', []), node('127.0.10.9', []), node('127.0.10.20', [])],
      NO_MACS,
    );
    expect(result.mode).toBe('order');
    expect(result.unknown).toEqual(['127.0.10.1']);
    expect(result.matched[0]).toMatchObject({ name: 'cp1', ip: '127.0.10.9' });
  });

  it('refuses when counts differ: nothing matched, reason given', () => {
    const result = matchInventory([node('127.0.10.9', []), node('127.0.10.20', [])], NO_MACS);
    expect(result.mode).toBe('none');
    expect(result.matched).toEqual([]);
    expect(result.missing).toEqual(['cp1', 'cp2', 'w1']);
    expect(result.unknown).toEqual(['127.0.10.9', '127.0.10.20']);
    expect(result.note).toBe('the inventory has no MACs and 2 maintenance nodes were found for 3 expected: count-order matching needs equal counts');
  });

  it('never uses order when any entry has a MAC, even with equal counts', () => {
    const result = matchInventory([node('127.0.10.1', []), node('127.0.10.2', []), node('127.0.10.3', [])], WITH_MACS);
    expect(result.mode).toBe('mac');
    expect(result.matched).toEqual([]);
  });
});

describe('matchInventory invariants', () => {
  it('every entry and every node lands in exactly one bucket', () => {
    const macPool = ['02:54:00:00:01:51', '02:54:00:00:01:52', '02:54:00:00:02:01', '02:54:00:00:09:99'];
    fc.assert(
      fc.property(fc.array(fc.subarray(macPool), { maxLength: 5 }), (macLists) => {
        const nodes = macLists.map((macs, i) => node(`127.0.10.${i + 1}`, macs));
        const result = matchInventory(nodes, WITH_MACS);
        const ambiguousNames = result.ambiguous.flatMap((a) => a.names);
        const ambiguousIps = result.ambiguous.flatMap((a) => a.ips);
        for (const entry of WITH_MACS.nodes) {
          const buckets = [
            result.matched.some((m) => m.name === entry.name),
            result.missing.includes(entry.name),
            ambiguousNames.includes(entry.name),
          ].filter(Boolean);
          expect(buckets).toHaveLength(1);
        }
        for (const n of nodes) {
          const buckets = [result.matched.some((m) => m.ip === n.ip), result.unknown.includes(n.ip), ambiguousIps.includes(n.ip)].filter(Boolean);
          expect(buckets).toHaveLength(1);
        }
      }),
    );
  });
});

// eth0 and eth1 are slaves of bond0; both borrowed the bond's MAC (eth0's real one).
const BOND_LINKS: LinkFacts[] = [
  { name: 'lo', type: 'loopback', kind: '', hardwareAddr: '00:00:00:00:00:00', operationalState: 'unknown', index: 1 },
  { name: 'eth1', type: 'ether', kind: '', hardwareAddr: '02:54:00:00:02:99', permanentAddr: '02:54:00:00:02:01', operationalState: 'up', index: 3, masterIndex: 5 },
  { name: 'eth0', type: 'ether', kind: '', hardwareAddr: '02:54:00:00:02:99', permanentAddr: '02:54:00:00:02:99', operationalState: 'up', index: 2, masterIndex: 5 },
  { name: 'bond0', type: 'ether', kind: 'bond', hardwareAddr: '02:54:00:00:02:99', permanentAddr: '', operationalState: 'up', index: 5 },
  { name: 'bond0.10', type: 'ether', kind: 'vlan', hardwareAddr: '02:54:00:00:02:99', operationalState: 'up', index: 6 },
];

describe('primaryMac', () => {
  it('bond slaves count by permanent address, logical links do not count, order by index', () => {
    expect(primaryMac(BOND_LINKS)).toEqual({ mac: '02:54:00:00:02:99', macs: ['02:54:00:00:02:99', '02:54:00:00:02:01'] });
  });

  it('the primary is the first physical link that is up; zero permanent addresses fall back to hardwareAddr', () => {
    const links: LinkFacts[] = [
      { name: 'eth0', type: 'ether', kind: '', hardwareAddr: 'AA:00:00:00:00:01', permanentAddr: '00:00:00:00:00:00', operationalState: 'down', index: 2 },
      { name: 'eth1', type: 'ether', kind: '', hardwareAddr: 'AA:00:00:00:00:02', operationalState: 'up', index: 3 },
    ];
    expect(primaryMac(links)).toEqual({ mac: 'aa:00:00:00:00:02', macs: ['aa:00:00:00:00:01', 'aa:00:00:00:00:02'] });
  });

  it('no link up: macs listed, primary null', () => {
    const links: LinkFacts[] = [{ name: 'eth0', type: 'ether', kind: '', hardwareAddr: 'aa:00:00:00:00:01', operationalState: 'down', index: 2 }];
    expect(primaryMac(links)).toEqual({ mac: null, macs: ['aa:00:00:00:00:01'] });
  });
});

interface Row {
  ip: string;
  port: number;
  macs: string[];
  mac: string | null;
  label: string;
}
const row = (ip: string, macs: string[], label = ip): Row => ({ ip, port: 50000, macs, mac: macs[0] ?? null, label });

describe('mergeScan', () => {
  it('a node that moved from its DHCP address to its static one keeps its row, by MAC', () => {
    const previous = [row('127.0.10.50', ['02:54:00:00:01:51'], 'a'), row('127.0.10.51', ['02:54:00:00:01:52'], 'b')];
    const next = [row('127.0.10.11', ['02:54:00:00:01:51'], 'a2'), row('127.0.10.51', ['02:54:00:00:01:52'], 'b2')];
    expect(mergeScan(previous, next)).toEqual([
      { row: next[0], state: 'moved', movedFrom: '127.0.10.50:50000' },
      { row: next[1], state: 'kept' },
    ]);
  });

  it('keeps row order, marks vanished rows gone and appends new ones in found order', () => {
    const previous = [row('127.0.10.9', ['aa:00:00:00:00:09']), row('127.0.10.5', ['aa:00:00:00:00:05']), row('127.0.10.7', [])];
    const next = [row('127.0.10.8', ['aa:00:00:00:00:08']), row('127.0.10.5', ['aa:00:00:00:00:05']), row('127.0.10.7', ['aa:00:00:00:00:07']), row('127.0.10.2', [])];
    const merged = mergeScan(previous, next);
    expect(merged.map((m) => [m.row.ip, m.state])).toEqual([
      ['127.0.10.9', 'gone'],
      ['127.0.10.5', 'kept'],
      ['127.0.10.7', 'kept'], // no MAC before: the address tells
      ['127.0.10.8', 'new'],
      ['127.0.10.2', 'new'],
    ]);
  });

  it('the same address with a different MAC is a different machine', () => {
    const merged = mergeScan([row('127.0.10.5', ['aa:00:00:00:00:05'])], [row('127.0.10.5', ['aa:00:00:00:00:06'])]);
    expect(merged.map((m) => m.state)).toEqual(['gone', 'new']);
  });

  it('a machine answering on two addresses keeps its own address; the other is new', () => {
    const previous = [row('127.0.10.11', ['aa:00:00:00:00:01'])];
    const next = [row('127.0.10.10', ['aa:00:00:00:00:01']), row('127.0.10.11', ['aa:00:00:00:00:01'])];
    expect(mergeScan(previous, next).map((m) => [m.row.ip, m.state])).toEqual([
      ['127.0.10.11', 'kept'],
      ['127.0.10.10', 'new'],
    ]);
  });

  it('every new row appears exactly once', () => {
    const arbRow = fc.record({
      host: fc.integer({ min: 1, max: 6 }),
      macs: fc.subarray(['aa:00:00:00:00:01', 'aa:00:00:00:00:02', 'aa:00:00:00:00:03']),
    });
    fc.assert(
      fc.property(fc.array(arbRow, { maxLength: 6 }), fc.array(arbRow, { maxLength: 6 }), (before, after) => {
        const previous = before.map((r) => row(`127.0.10.${r.host}`, r.macs));
        const next = after.map((r) => row(`127.0.10.${r.host}`, r.macs));
        const merged = mergeScan(previous, next);
        const current = merged.filter((m) => m.state !== 'gone').map((m) => m.row);
        expect(current).toHaveLength(next.length);
        expect(new Set(current).size).toBe(next.length);
        expect(merged.filter((m) => m.state !== 'new')).toHaveLength(previous.length);
      }),
    );
  });
});
