// `talos-tui discover` end to end against the simulator on free loopback /24s: real TCP scan, real
// gRPC over TLS, the JSON of DESIGN.md, inventory matching (upper-case MAC, bond slave's permanentAddr,
// ambiguity, count order), bad input that scans nothing, and a node recognised by MAC after it moved to its static address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';
import { command } from '../../src/cli/commands/discover.js';
import { insecureClient, machine, parseTalosconfig, TalosSession } from '../../src/talos/index.js';
import { DiscoverySource, type DiscoverySnapshot } from '../../src/features/discovery/source.js';
import type { DiscoverJson } from '../../src/ops/discover-report.js';
import { identifyNode } from '../../src/talos/identify.js';
import { flatYaml } from '../../src/talos/identify-reads.js';
import { registration, serveGrpc, type RunningServer } from '../../src/talos/server.js';
import { MachineService } from '../../src/talos/proto/gen/machine/machine_pb.js';
import { State } from '../../src/talos/proto/gen/cosi/state_pb.js';
import { Code, RpcError } from '../../src/talos/status-codes.js';
import { fixture, talosconfigYaml } from '../fixtures/talos/index.js';
import { runCommand } from '../helpers/run-command.js';
import { freeLoopback24 } from '../helpers/loopback.js';

// Free loopback /24s (test/helpers/loopback.ts): two runs side by side never collide. `length` keeps
// addresses as wide as the columns and messages below expect.
const NET = await freeLoopback24({ length: 9 });
const WATCH_NET = await freeLoopback24({ length: 9 });
const WATCH_NET_RE = WATCH_NET.replaceAll('.', '\\.');
const MOVE_NET = await freeLoopback24({ length: 9 });
const STEADY_NET = await freeLoopback24({ length: 9 });

const dir = mkdtempSync(join(tmpdir(), 'talos-tui-discover-'));
let sim: SimCluster;
let other: net.Server;
let talosconfig: string;

/** `talos-tui discover ARGS` in-process, as main.ts runs it; HOME is the temp dir unless env says otherwise. */
const run = (args: string[], env: NodeJS.ProcessEnv = { HOME: dir }) => runCommand(command, args, { env });

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const macsOf = (name: string) => sim.node(name)!.macs;
const ipOf = (name: string) => sim.node(name)!.ip;

beforeAll(async () => {
  sim = await startSimCluster({ configured: 2, maintenance: 4, listen: `${NET}.1`, onePortPerNode: false });
  talosconfig = file('talosconfig', sim.talosconfigText);
  // An open port that is not Talos: speaks first, like SSH.
  other = net.createServer((s) => {
    s.on('error', () => {});
    s.resume(); // read, so the client's close is seen and server.close() can finish
    s.end('SSH-2.0-OpenSSH_9.6\r\n');
  });
  await new Promise<void>((resolve) => other.listen(50000, `${NET}.200`, resolve));
});

afterAll(async () => {
  await sim?.stop();
  await new Promise((r) => other?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('discover --json against 4 maintenance nodes in a /24', () => {
  it('identifies every node, matches the inventory by MAC and lists missing, unknown and other ports', async () => {
    const m1 = macsOf('m1'); // bond: eth0 and eth1 are slaves; eth1's hardwareAddr is borrowed from eth0
    expect(sim.node('m1')!.machine.hardware.links.find((l) => l.name === 'eth1')!.hardwareAddr).toBe(m1[0]);
    const inventory = file(
      'inv.yaml',
      [
        'configDir: ./talos',
        'nodes:',
        `  - { name: bonded, role: controlplane, mac: "${m1[1]}" }`, // only the slave's permanentAddr
        `  - { name: upper, role: worker, mac: "${macsOf('m2')[0].toUpperCase()}" }`,
        `  - { name: plain, role: worker, mac: "${macsOf('m3')[0]}" }`,
        '  - { name: absent, role: worker, mac: "02:54:00:00:ee:51" }',
      ].join('\n'),
    );
    const { code, stdout, stderr } = await run([`${NET}.0/24`, '--json', '--inventory', inventory, '--talosconfig', talosconfig]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as DiscoverJson;
    expect(out.scanned).toBe(254);
    expect(out.elapsedMs).toBeGreaterThan(0);

    const maintenance = out.nodes.filter((n) => n.maintenance);
    expect(maintenance.map((n) => n.ip)).toEqual(['m1', 'm2', 'm3', 'm4'].map(ipOf));
    for (const n of maintenance) {
      const simNode = sim.node(n.ip)!;
      expect(n).toMatchObject({ port: 50000, talosVersion: 'v1.13.9', kind: 'maintenance', stage: 'maintenance', macs: simNode.macs, mac: simNode.macs[0] });
      expect(n.disks.some((d) => d.type === 'CD')).toBe(true); // booted from the ISO
    }
    const byIp = new Map(out.nodes.map((n) => [n.ip, n]));
    expect(byIp.get(ipOf('m1'))!.name).toBe('bonded');
    expect(byIp.get(ipOf('m2'))!.name).toBe('upper');
    expect(byIp.get(ipOf('m3'))!.name).toBe('plain');
    expect(byIp.get(ipOf('m4'))!.name).toBeNull();

    // Configured nodes are read over mutual TLS with the talosconfig, as their own endpoints.
    for (const name of ['cp1', 'w1']) {
      expect(byIp.get(ipOf(name))).toMatchObject({ maintenance: false, kind: 'configured', stage: 'running', macs: macsOf(name), hostname: name, error: null });
    }
    expect(out.missing).toEqual(['absent']);
    expect(out.unknown).toEqual([ipOf('cp1'), ipOf('w1'), ipOf('m4')]);
    expect(out.ambiguous).toEqual([]);
    expect(out.otherPorts).toEqual([{ ip: `${NET}.200`, port: 50000, kind: 'not-talos', reason: 'does not speak TLS' }]);
    // DESIGN.md's fields, with MACs lower-case and colon form.
    for (const n of out.nodes) {
      expect(Object.keys(n)).toEqual(expect.arrayContaining(['ip', 'port', 'maintenance', 'talosVersion', 'mac', 'macs', 'name']));
      for (const mac of n.macs) expect(mac).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    }
  });

  it('works without a talosconfig: configured nodes are reported as such, unread', async () => {
    const { code, stdout } = await run([`${NET}.0/24`, '--json'], { HOME: join(dir, 'nowhere') });
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as DiscoverJson;
    expect(out.nodes.filter((n) => n.maintenance)).toHaveLength(4);
    const cp1 = out.nodes.find((n) => n.ip === ipOf('cp1'))!;
    expect(cp1).toMatchObject({ kind: 'configured', maintenance: false, macs: [], name: null });
    expect(cp1.error).toMatch(/client certificate/);
    expect(out).toMatchObject({ missing: [], unknown: [], ambiguous: [], matchMode: null });
  });

  it('a talosconfig of another cluster: configured nodes are named as such, with why they could not be read', async () => {
    const foreign = file('foreign-talosconfig', talosconfigYaml('other', { other: { endpoints: [`${NET}.250`] } }));
    const { code, stdout } = await run([ipOf('cp1'), '--json', '--talosconfig', foreign]);
    expect(code).toBe(0);
    const [cp1] = (JSON.parse(stdout) as DiscoverJson).nodes;
    expect(cp1).toMatchObject({ ip: ipOf('cp1'), kind: 'configured', maintenance: false, macs: [] });
    expect(cp1.error).toMatch(/^the talosconfig cannot read it: .*(not signed by the talosconfig CA|refused the client certificate)/);
  });

  it('reports ambiguity instead of guessing: two entries on one node, one entry on two nodes', async () => {
    const [m4a, m4b] = macsOf('m4');
    const inventory = file(
      'ambiguous.yaml',
      [
        'nodes:',
        `  - { name: left, role: worker, mac: "${m4a}" }`,
        `  - { name: right, role: worker, mac: "${m4b}" }`,
        `  - { name: both, role: worker, macs: ["${macsOf('m2')[0]}", "${macsOf('m3')[0]}"] }`,
        `  - { name: fine, role: worker, mac: "${macsOf('m1')[0]}" }`,
      ].join('\n'),
    );
    const { code, stdout } = await run([`${NET}.100-110`, '--json', '--inventory', inventory]);
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as DiscoverJson;
    expect(out.scanned).toBe(11);
    expect(out.ambiguous).toEqual(
      expect.arrayContaining([
        { kind: 'node-claims-several-entries', names: ['left', 'right'], ips: [ipOf('m4')] },
        { kind: 'entry-claimed-by-several-nodes', names: ['both'], ips: [ipOf('m2'), ipOf('m3')] },
      ]),
    );
    expect(out.ambiguous).toHaveLength(2);
    const names = Object.fromEntries(out.nodes.map((n) => [n.ip, n.name]));
    expect(names).toEqual({ [ipOf('m1')]: 'fine', [ipOf('m2')]: null, [ipOf('m3')]: null, [ipOf('m4')]: null });
    // Ambiguous entries and nodes are in no other list.
    expect(out.missing).toEqual([]);
    expect(out.unknown).toEqual([]);
  });

  it('matches by count order only without MACs and with equal counts, and says so', async () => {
    const entries = (n: number) => ['nodes:', ...Array.from({ length: n }, (_, i) => `  - { name: n${i + 1}, role: worker }`)].join('\n');
    const equal = await run([`${NET}.101-104`, '--json', '--inventory', file('order4.yaml', entries(4))]);
    const out = JSON.parse(equal.stdout) as DiscoverJson;
    expect(out.matchMode).toBe('order');
    expect(out.note).toMatch(/count order/);
    expect(out.nodes.map((n) => [n.name, n.matchedBy])).toEqual([
      ['n1', 'order'],
      ['n2', 'order'],
      ['n3', 'order'],
      ['n4', 'order'],
    ]);
    const unequal = JSON.parse((await run([`${NET}.101-104`, '--json', '--inventory', file('order3.yaml', entries(3))])).stdout) as DiscoverJson;
    expect(unequal.matchMode).toBe('none');
    expect(unequal.nodes.every((n) => n.name === null)).toBe(true);
    expect(unequal.missing).toEqual(['n1', 'n2', 'n3']);
    expect(unequal.note).toMatch(/needs equal counts/);
  });

  it('prints a readable table without --json', async () => {
    const inventory = file('table.yaml', `nodes:\n  - { name: one, role: worker, mac: "${macsOf('m3')[0]}" }\n  - { name: gone, role: worker, mac: "02:54:00:00:ee:52" }\n`);
    const { code, stdout } = await run([`${NET}.0/24`, '--inventory', inventory]);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^scanned 254 hosts in \d+ ms: 4 maintenance, 2 configured, 1 other open port$/);
    expect(lines[1]).toMatch(/^IP\s+KIND\s+VERSION\s+STAGE\s+MAC\s+NAME\s+DISKS$/);
    expect(stdout).toMatch(new RegExp(`${ipOf('m3').replace(/\./g, '\\.')}\\s+maintenance\\s+v1\\.13\\.9\\s+maintenance\\s+${macsOf('m3')[0]}\\s+one\\s+sda `));
    expect(stdout).toContain('matched 1 · missing 1 (gone) · unknown 5 · ambiguous 0');
    expect(stdout).toContain(`${NET}.200  not-talos: does not speak TLS`);
  });
});

// The built command, as an admin runs it: the default scan engine uses process.binding(), which
// prints DEP0111 under pending deprecation; nothing may reach stderr (a script reads stdout only,
// but a warning on stderr looks like a failure, and on the console it would draw over the screen).
const BUILT = join(process.cwd(), 'dist/talos-tui.js');
describe.skipIf(!existsSync(BUILT))('the built discover command prints no deprecation warning', () => {
  it.each([
    ['--pending-deprecation', ['--pending-deprecation'], {}],
    ['NODE_PENDING_DEPRECATION=1', [], { NODE_PENDING_DEPRECATION: '1' }],
  ])('with %s', async (_, flags, env) => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [...flags, BUILT, 'discover', `${NET}.101-104`, '--json'], {
      env: { ...process.env, HOME: dir, TALOSCONFIG: '', ...env },
    });
    expect(stderr).toBe('');
    expect((JSON.parse(stdout) as DiscoverJson).nodes.filter((n) => n.maintenance)).toHaveLength(4);
  });
});

describe('bad input: one sentence naming the input, exit 2, nothing scanned', () => {
  let watched: net.Server;
  let connections = 0;
  const WATCHED = `${WATCH_NET}.10`;

  beforeAll(async () => {
    watched = net.createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((resolve) => watched.listen(50000, WATCHED, resolve));
  });
  afterAll(() => new Promise((r) => watched.close(r)));

  const cases: Array<[string, () => string[], RegExp]> = [
    ['a malformed CIDR', () => [`${WATCH_NET}.0/33`], new RegExp(String.raw`^talos-tui discover: ${WATCH_NET_RE}\.0\/33: prefix length must be 0-32\n$`)],
    ['a malformed range', () => [`${WATCH_NET}.20-${WATCH_NET}.10`], new RegExp(String.raw`${WATCH_NET_RE}\.20-${WATCH_NET_RE}\.10: range start is after its end`)],
    ['a range over the limit', () => ['127.0.0.0/8'], /127\.0\.0\.0\/8: 16777214 hosts is more than the limit of 65536 \(a \/16\); pass --force/],
    ['a bad port', () => [WATCHED, '--port', '70000'], /--port must be between 1 and 65535/],
    ['an unreadable inventory', () => [WATCHED, '--inventory', join(dir, 'nope.yaml')], /inventory .*nope\.yaml does not exist/],
    ['duplicate names', () => [WATCHED, '--inventory', file('dupname.yaml', 'nodes:\n  - {name: a, role: worker}\n  - {name: a, role: worker}\n')], /dupname\.yaml: nodes\[1\] \(a\): name a is already used by nodes\[0\]/],
    ['duplicate MACs', () => [WATCHED, '--inventory', file('dupmac.yaml', 'nodes:\n  - {name: a, role: worker, mac: "02:54:00:00:01:51"}\n  - {name: b, role: worker, mac: "02:54:00:00:01:51"}\n')], /dupmac\.yaml: nodes\[1\] \(b\): mac 02:54:00:00:01:51 is already used by nodes\[0\] \(a\)/],
    ['bad MAC syntax', () => [WATCHED, '--inventory', file('badmac.yaml', 'nodes:\n  - {name: a, role: worker, mac: "02:54:00:00:01"}\n')], /badmac\.yaml: nodes\[0\] \(a\): .*02:54:00:00:01/],
    ['a missing --talosconfig', () => [WATCHED, '--talosconfig', join(dir, 'no-such-talosconfig')], /talosconfig .*no-such-talosconfig \(from --talosconfig\) does not exist/],
  ];

  it.each(cases)('%s', async (_what, args, message) => {
    const result = await run(args());
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(connections).toBe(0);
  });

  it('targets over the limit together are refused; --force lifts the limit', async () => {
    const refused = await run([WATCHED, '127.2.0.0/16', '127.3.0.0/30', '--json']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe('talos-tui discover: the targets cover 65537 hosts together, more than the limit of 65536 (a /16); pass --force to scan them anyway\n');
    expect(connections).toBe(0);
    const forced = await run([WATCHED, '127.2.0.0/16', '127.3.0.0/30', '--force', '--json']);
    expect(forced.code).toBe(0);
    expect((JSON.parse(forced.stdout) as DiscoverJson).scanned).toBe(1 + 65534 + 2);
    expect(connections).toBeGreaterThan(0);
    connections = 0;
  });

  it('the same target with good input does connect (the counter works)', async () => {
    const result = await run([WATCHED, '--json']);
    expect(result.code).toBe(0);
    expect(connections).toBeGreaterThan(0);
    expect((JSON.parse(result.stdout) as DiscoverJson).otherPorts).toHaveLength(1);
  });
});

describe('rescan after apply: the node moved to its static address', () => {
  let moveSim: SimCluster;
  beforeAll(async () => {
    moveSim = await startSimCluster({ configured: 1, maintenance: 2, listen: `${MOVE_NET}.1`, rebootMs: 150, onePortPerNode: false });
  });
  afterAll(() => moveSim?.stop());

  const settled = (source: DiscoverySource) =>
    new Promise<DiscoverySnapshot>((resolve) => {
      const check = () => {
        const snap = source.store.getSnapshot();
        if (snap.phase !== 'running') {
          unsubscribe();
          resolve(snap);
        }
      };
      const unsubscribe = source.store.subscribe(check);
    });

  it('keeps its row, marked moved, identified by MAC at the new address', async () => {
    const session = new TalosSession(parseTalosconfig(moveSim.talosconfigText, 'sim'));
    const source = new DiscoverySource({ session, maxPerSecond: 50 });
    try {
      const m1 = moveSim.node('m1')!;
      const invPath = file('move.yaml', `nodes:\n  - { name: cp9, role: controlplane, mac: "${m1.macs[1]}", address: ${MOVE_NET}.50/24 }\n`);
      expect(source.loadInventory(invPath)).toBeNull();
      expect(source.scan(`${MOVE_NET}.0/24`)).toBe(true);
      let snap = await settled(source);
      expect(snap.phase).toBe('done');
      const before = snap.rows.find((r) => r.ip === `${MOVE_NET}.101`)!;
      expect(before.node!.kind).toBe('maintenance');
      expect(before.match).toMatchObject({ state: 'matched', names: ['cp9'] });
      const order = snap.rows.map((r) => r.key);

      const config = [
        'version: v1alpha1',
        'machine:',
        '  type: controlplane',
        '  network:',
        '    hostname: cp9',
        '    interfaces:',
        '      - interface: bond0',
        `        addresses: [${MOVE_NET}.50/24]`,
        'cluster:',
        '  clusterName: sim',
        '',
      ].join('\n');
      const client = insecureClient(`${MOVE_NET}.101:50000`);
      await machine.applyConfiguration(client, { config, mode: 'auto' });
      client.close();
      const deadline = Date.now() + 5000;
      while (!(m1.up && m1.ip === `${MOVE_NET}.50`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      expect(m1.address).toBe(`${MOVE_NET}.50:50000`);

      expect(source.rescan()).toBe(true);
      snap = await settled(source);
      expect(snap.rows.map((r) => r.key)).toEqual(order); // no row jumped
      const moved = snap.rows.find((r) => r.key === before.key)!;
      expect(moved).toMatchObject({ ip: `${MOVE_NET}.50`, change: 'moved', movedFrom: `${MOVE_NET}.101:50000` });
      expect(moved.node).toMatchObject({ kind: 'configured', via: 'mtls', hostname: 'cp9', macs: m1.macs });
      expect(moved.match).toMatchObject({ state: 'matched', names: ['cp9'] });
      expect(snap.summary).toBe('matched 1 · missing 0 · unknown 2 · ambiguous 0');
      expect(snap.rows.filter((r) => r.change === 'kept')).toHaveLength(2);
    } finally {
      source.dispose();
      session.close();
    }
  });
});

describe('rescan of an unchanged network', () => {
  let steadySim: SimCluster;
  beforeAll(async () => {
    steadySim = await startSimCluster({ configured: 0, maintenance: 3, listen: `${STEADY_NET}.1`, onePortPerNode: false });
  });
  afterAll(() => steadySim?.stop());

  it('keeps every match while the rescan re-identifies the rows: nothing flickers to missing or unknown', async () => {
    const source = new DiscoverySource({ maxPerSecond: 1000 });
    try {
      const inv = steadySim.nodes.map((n, i) => `  - { name: n${i + 1}, role: worker, mac: "${n.macs[0]}" }`).join('\n');
      expect(source.loadInventory(file('steady.yaml', `nodes:\n${inv}\n`))).toBeNull();
      const finished = () =>
        new Promise<void>((resolve) => {
          const unsubscribe = source.store.subscribe(() => {
            if (source.store.getSnapshot().phase !== 'running') {
              unsubscribe();
              resolve();
            }
          });
        });
      expect(source.scan(`${STEADY_NET}.100-${STEADY_NET}.110`)).toBe(true);
      await finished();
      expect(source.store.getSnapshot().summary).toBe('matched 3 · missing 0 · unknown 0 · ambiguous 0');

      const seen: string[] = [];
      const unsubscribe = source.store.subscribe(() => {
        const snap = source.store.getSnapshot();
        seen.push(`${snap.summary} | ${snap.rows.map((r) => r.match.state).join(',')}`);
      });
      expect(source.rescan()).toBe(true);
      await finished();
      unsubscribe();
      expect(seen.length).toBeGreaterThan(1);
      for (const s of seen) expect(s).toBe('matched 3 · missing 0 · unknown 0 · ambiguous 0 | matched,matched,matched');
    } finally {
      source.dispose();
    }
  });
});

describe('identify: older Talos and gRPC servers that are not Talos', () => {
  const servers: RunningServer[] = [];
  const tls = { keyPem: fixture('server.key'), certChainPem: fixture('server.crt') };
  afterAll(() => servers.forEach((s) => s.forceClose()));

  it('Talos <= 1.12 answers Version with UNIMPLEMENTED in maintenance mode: still maintenance, links read', async () => {
    const link = 'type: ether\nkind: ""\nhardwareAddr: 02:54:00:00:77:51\npermanentAddr: 02:54:00:00:77:51\noperationalState: up\nindex: 2\n';
    servers.push(
      await serveGrpc({
        host: `${NET}.210`,
        port: 50000,
        tls,
        services: [
          registration(MachineService, {
            version: async () => {
              throw new RpcError(Code.UNIMPLEMENTED, 'API is not implemented in maintenance mode');
            },
          }),
          registration(State, {
            list: async (req, _ctx, send) => {
              if (req.type === 'LinkStatuses.net.talos.dev') await send({ resource: { metadata: { namespace: 'network', type: req.type, id: 'eth0', version: '1' }, spec: { yamlSpec: link } } });
            },
          }),
        ],
      }),
    );
    const node = await identifyNode(`${NET}.210`, 50000, { timeoutMs: 2000 });
    expect(node).toMatchObject({ kind: 'maintenance', via: 'insecure', mac: '02:54:00:00:77:51', macs: ['02:54:00:00:77:51'] });
    expect(node.talosVersion).toBeUndefined();
    expect(node.certFingerprint).toBe(fixture('server.spki-sha256').trim());
  });

  it('reads flat link specs without the YAML parser, and falls back when unsure', () => {
    const spec = 'index: 4\nhardwareAddr: 02:54:00:00:01:51\npermanentAddr: ""\nkind: bond\nlinkState: true\nbusPath: "0000:00:03.0"\nvendor: \'Red Hat, Inc.\'\nbondMaster:\n  mode: active-backup\n  miimon: 100\nmtu: 1500\n';
    expect(flatYaml(spec)).toEqual({ index: 4, hardwareAddr: '02:54:00:00:01:51', permanentAddr: '', kind: 'bond', linkState: true, busPath: '0000:00:03.0', vendor: 'Red Hat, Inc.', mtu: 1500 });
    for (const unsure of ['a: |\n  text\n', 'a: &anchor x\n', 'a: 1.5\n', 'a: null\n', 'a: x # note\n', '"quoted": key\n', 'a: [1, 2]\n']) expect(flatYaml(unsure)).toBeNull();
  });

  it('a gRPC server that is not Talos is not-talos, with the reason', async () => {
    servers.push(await serveGrpc({ host: `${NET}.211`, port: 50000, tls, services: [] }));
    const node = await identifyNode(`${NET}.211`, 50000, { timeoutMs: 2000 });
    expect(node.kind).toBe('not-talos');
    expect(node.error).toMatch(/^speaks TLS and HTTP\/2 but not the Talos API/);
  });
});
