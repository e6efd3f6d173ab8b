import { describe, expect, it } from 'vitest';
import { InventoryError, inventoryHasMacs, normalizeMac, parseInventory } from '../../src/core/inventory.js';
import { thrownBy } from '../helpers/thrown.js';

const GOOD = `
cluster: { name: prod-1, endpoint: "https://127.0.10.15:6443" }
configDir: ./talos
nodes:
  - name: cp1
    role: controlplane
    mac: "02:54:00:00:01:51"
    address: 127.0.10.11/24
    patches: [patches/cp1.yaml]
  - name: cp2
    role: controlplane
    mac: 02-54-00-00-01-5A
    patches: patches/cp2.yaml
  - name: w1
    role: worker
    macs: ["02:54:00:00:02:01", "02:54:00:00:02:02"]
`;

/** Builds an inventory with one node entry written as YAML lines (indented under "- "). */
function withNode(lines: string): string {
  return `nodes:\n  - name: cp1\n    role: controlplane\n    mac: "02:54:00:00:01:51"\n  - ${lines.trim().split('\n').join('\n    ')}\n`;
}

const messageOf = (text: string) => thrownBy(InventoryError, () => parseInventory(text, 'inv.yaml')).message;

describe('parseInventory: a valid file', () => {
  const inventory = parseInventory(GOOD, 'inv.yaml');

  it('keeps cluster, configDir and the nodes in order', () => {
    expect(inventory.cluster).toMatchObject({ name: 'prod-1', endpoint: 'https://127.0.10.15:6443', talosVersion: null });
    expect(inventory.configDir).toBe('./talos');
    expect(inventory.nodes.map((n) => [n.name, n.role])).toEqual([
      ['cp1', 'controlplane'],
      ['cp2', 'controlplane'],
      ['w1', 'worker'],
    ]);
  });

  it('normalises MACs to lower-case colon form, dash and upper case accepted', () => {
    expect(inventory.nodes[1].macs).toEqual(['02:54:00:00:01:5a']);
    expect(inventory.nodes[1].mac).toBe('02:54:00:00:01:5a');
  });

  it('a node with two NICs lists both under macs; mac is the first', () => {
    expect(inventory.nodes[2].macs).toEqual(['02:54:00:00:02:01', '02:54:00:00:02:02']);
    expect(inventory.nodes[2].mac).toBe('02:54:00:00:02:01');
  });

  it('address is split into ip; patches is always a list', () => {
    expect(inventory.nodes[0]).toMatchObject({ address: '127.0.10.11/24', ip: '127.0.10.11', patches: ['patches/cp1.yaml'] });
    expect(inventory.nodes[1]).toMatchObject({ address: null, ip: null, patches: ['patches/cp2.yaml'] });
  });

  it('cluster and configDir are optional; MAC-less inventories are recognised', () => {
    const bare = parseInventory('nodes:\n  - { name: a, role: worker }\n', 'x.yaml');
    expect(bare.cluster).toBeNull();
    expect(bare.configDir).toBeNull();
    expect(bare.nodes[0].macs).toEqual([]);
    expect(inventoryHasMacs(bare)).toBe(false);
    expect(inventoryHasMacs(inventory)).toBe(true);
  });
});

describe('parseInventory: errors name the file and the entry', () => {
  it.each([
    ['duplicate name', withNode('name: cp1\nrole: worker'), 'inv.yaml: nodes[1] (cp1): name cp1 is already used by nodes[0]'],
    [
      'duplicate MAC across nodes, in another spelling',
      withNode('name: w1\nrole: worker\nmac: "02-54-00-00-01-51"'),
      'inv.yaml: nodes[1] (w1): mac 02:54:00:00:01:51 is already used by nodes[0] (cp1)',
    ],
    [
      'MAC twice in one node',
      withNode('name: w1\nrole: worker\nmacs: ["02:54:00:00:02:01", "02:54:00:00:02:01"]'),
      'inv.yaml: nodes[1] (w1): mac 02:54:00:00:02:01 is listed twice',
    ],
    [
      'bad MAC syntax',
      withNode('name: w1\nrole: worker\nmac: "02:54:00:00:01"'),
      'inv.yaml: nodes[1] (w1): mac "02:54:00:00:01" is not a MAC address (expected six hex pairs like 02:54:00:00:01:51)',
    ],
    [
      'mixed separators',
      withNode('name: w1\nrole: worker\nmac: "02:54-00:00:01:51"'),
      'inv.yaml: nodes[1] (w1): mac "02:54-00:00:01:51" is not a MAC address (expected six hex pairs like 02:54:00:00:01:51)',
    ],
    [
      'multicast MAC',
      withNode('name: w1\nrole: worker\nmac: "01:00:5e:00:00:01"'),
      "inv.yaml: nodes[1] (w1): mac 01:00:5e:00:00:01 is a multicast address, not a network card's",
    ],
    ['unquoted number as MAC', withNode('name: w1\nrole: worker\nmac: 25400000151'), 'inv.yaml: nodes[1] (w1): mac 25400000151 must be a quoted string like "02:54:00:00:01:51"'],
    [
      'mac and macs together',
      withNode('name: w1\nrole: worker\nmac: "02:54:00:00:02:01"\nmacs: ["02:54:00:00:02:02"]'),
      'inv.yaml: nodes[1] (w1): give either "mac" or "macs", not both',
    ],
    ['bad role', withNode('name: w1\nrole: master'), 'inv.yaml: nodes[1] (w1): role "master" is not valid (expected controlplane or worker)'],
    ['missing role', withNode('name: w1'), 'inv.yaml: nodes[1] (w1): role is missing (expected controlplane or worker)'],
    [
      'address without prefix',
      withNode('name: w1\nrole: worker\naddress: 127.0.10.12'),
      'inv.yaml: nodes[1] (w1): address "127.0.10.12" must be an IPv4 address with a prefix length 1-32, like 127.0.10.11/24',
    ],
    [
      'address with prefix 33',
      withNode('name: w1\nrole: worker\naddress: 127.0.10.12/33'),
      'inv.yaml: nodes[1] (w1): address "127.0.10.12/33" must be an IPv4 address with a prefix length 1-32, like 127.0.10.11/24',
    ],
    ['typo in a node key', withNode('name: w1\nrole: worker\nadress: 127.0.10.12/24'), 'inv.yaml: nodes[1] (w1): unknown key "adress" (did you mean "address"?)'],
    ['typo in name itself', withNode('nmae: w1\nrole: worker'), 'inv.yaml: nodes[1]: unknown key "nmae" (did you mean "name"?)'],
    ['no name', withNode('role: worker'), 'inv.yaml: nodes[1]: "name" is required'],
    ['unknown top-level key', 'node:\n  - { name: a, role: worker }\n', 'inv.yaml: unknown key "node" (did you mean "nodes"?)'],
    ['no nodes', 'cluster: { name: c, endpoint: "https://127.0.0.1:6443" }\n', 'inv.yaml: "nodes" must be a non-empty list of expected machines'],
    ['not a mapping', '- a\n- b\n', 'inv.yaml: expected a mapping with a "nodes" list at the top'],
    [
      'endpoint not https',
      'cluster: { name: c, endpoint: "127.0.0.1:6443" }\nnodes:\n  - { name: a, role: worker }\n',
      'inv.yaml: cluster.endpoint "127.0.0.1:6443" must be an https URL like https://127.0.10.15:6443',
    ],
  ])('%s', (_, text, message) => {
    expect(messageOf(text)).toBe(message);
  });

  it('YAML syntax errors give the line and column', () => {
    expect(messageOf('nodes:\n  - name: a\n    name: b\n')).toBe('inv.yaml: invalid YAML: Map keys must be unique at line 3, column 5');
  });
});

describe('normalizeMac', () => {
  it('accepts colon and dash forms in any case, rejects others', () => {
    expect(normalizeMac('AA-BB-CC-DD-EE-0F')).toBe('aa:bb:cc:dd:ee:0f');
    expect(normalizeMac(' aa:bb:cc:dd:ee:0f ')).toBe('aa:bb:cc:dd:ee:0f');
    expect(normalizeMac('aabb.ccdd.ee0f')).toBeNull();
    expect(normalizeMac('aa:bb:cc:dd:ee:0g')).toBeNull();
    expect(normalizeMac('aa:bb:cc:dd:ee:0f:11')).toBeNull();
  });
});
