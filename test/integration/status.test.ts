// The Status half against the simulator, over real gRPC + mutual TLS on free loopback /24s:
// the headless `services`, `etcd ...` and `bootstrap` commands, and the pane's data source and
// operations (stale nodes, NOSPACE flagged then disarmed, defragmentation one node at a time with
// before/after sizes, snapshot files that hold exactly what the node streamed, 0600).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';
import { machine, parseTalosconfig, TalosSession } from '../../src/talos/index.js';
import { runCommand } from '../helpers/run-command.js';
import { StatusSource, type StatusSnapshot } from '../../src/features/status/source.js';
import { defragment, disarmAlarms, forfeitLeadership, serviceAction, snapshot } from '../../src/features/status/operations.js';
import { freeLoopback24 } from '../helpers/loopback.js';
import { until as untilHolds } from '../helpers/until.js';

// Free loopback /24s (test/helpers/loopback.ts): two runs side by side never collide. `length` keeps
// addresses as wide as the columns and messages below expect.
const NET = await freeLoopback24({ length: 8 });
const NET_RE = NET.replaceAll('.', '\\.');
const FRESH_NET = await freeLoopback24({ length: 9 });

const CP1 = `${NET}.11`;
const CP2 = `${NET}.12`;
const CP3 = `${NET}.13`;
const W1 = `${NET}.14`;

let sim: SimCluster;
let dir: string;
let talosconfig: string;
let session: TalosSession;

/** `talos-tui NAME ARGS --talosconfig FILE` in-process, as main.ts runs it. */
const cli = (...argv: string[]) => runCommand(argv[0]!, [...argv.slice(1), '--talosconfig', talosconfig]);

const json = <T = any>(text: string): T => JSON.parse(text) as T;
const etcdOf = (s: SimCluster) => s.nodes[0]!.machine.cluster.etcd;
const memberHex = (name: string) => sim.node(name)!.machine.memberId.toString(16).padStart(16, '0');

/** Wait until the source publishes a snapshot satisfying `pred`. */
async function until(source: StatusSource, pred: (s: StatusSnapshot) => boolean, timeoutMs = 8000): Promise<StatusSnapshot> {
  await untilHolds(() => pred(source.store.getSnapshot()), 'a Status snapshot', { timeout: timeoutMs, interval: 50 });
  return source.store.getSnapshot();
}

beforeAll(async () => {
  sim = await startSimCluster({ configured: 4, maintenance: 0, listen: `${NET}.1`, rebootMs: 300, logLinesPerSecond: 0 });
  expect(sim.onePortPerNode).toBe(false);
  dir = mkdtempSync(path.join(tmpdir(), 'status-test-'));
  talosconfig = path.join(dir, 'talosconfig');
  writeFileSync(talosconfig, sim.talosconfigText, { mode: 0o600 });
  session = new TalosSession(parseTalosconfig(sim.talosconfigText, 'sim'));
});

afterAll(async () => {
  session?.close();
  await sim?.stop();
});

describe('talos-tui services', () => {
  it('lists each node\'s services with state and health, control planes with etcd, workers without', async () => {
    const r = await cli('services', '-n', `${CP1},${W1}`, '--json');
    expect(r.code).toBe(0);
    const out = json<{ nodes: { node: string; services: { id: string; state: string; health: string; events: unknown[] }[] }[] }>(r.stdout);
    expect(out.nodes.map((n) => n.node)).toEqual([CP1, W1]);
    const cp = out.nodes[0]!.services;
    expect(cp.find((s) => s.id === 'etcd')).toMatchObject({ state: 'Running', health: 'healthy' });
    expect(cp.find((s) => s.id === 'etcd')!.events.length).toBeGreaterThan(0);
    expect(out.nodes[1]!.services.some((s) => s.id === 'etcd')).toBe(false);
    expect(out.nodes[1]!.services.find((s) => s.id === 'kubelet')?.state).toBe('Running');

    const human = await cli('services', '-n', `${CP1},${W1}`);
    const lines = human.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NODE\s+SERVICE\s+STATE\s+HEALTH\s+LAST CHANGE\s+LAST EVENT$/);
    expect(lines.some((l) => l.startsWith(CP1) && /\betcd\s+Running\s+healthy\b/.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith(W1) && /\bkubelet\b/.test(l))).toBe(true);
  });

  it('reports a node that is down while still listing the others, exit 1', async () => {
    const w1 = sim.node('w1')!;
    await w1.stop();
    try {
      const r = await cli('services', '-n', `${CP1},${W1}`);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(new RegExp(`^${CP1.replace(/\./g, '\\.')}\\s+apid`, 'm'));
      expect(r.stdout).not.toContain(W1);
      // The node is named once: Talos's sentence already says "nothing listens on <W1> …".
      expect(r.stderr).toMatch(/^talos-tui services: /);
      expect(r.stderr).toContain(W1);
      expect(r.stderr).not.toContain(`${W1}: `);
      const j = json<{ nodes: { node: string; error?: string; services?: unknown[] }[] }>((await cli('services', '-n', `${CP1},${W1}`, '--json')).stdout);
      expect(j.nodes[0]!.services!.length).toBeGreaterThan(5);
      expect(j.nodes[1]!.error).toMatch(/\S/);
    } finally {
      await w1.start();
    }
  });

  it('names the missing nodes flag as a usage error (exit 2)', async () => {
    const r = await cli('services');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('-n IP');
  });
});

describe('talos-tui etcd status|members|alarms', () => {
  it('status: one leader, db sizes with the in-use ratio, fragmentation flagged below 0.5', async () => {
    const r = await cli('etcd', 'status', '-n', `${CP1},${CP2},${CP3}`, '--json');
    expect(r.code).toBe(0);
    const out = json<{ nodes: any[]; findings: { code: string; node?: string }[] }>(r.stdout);
    expect(out.nodes).toHaveLength(3);
    expect(out.nodes.filter((n) => n.isLeader)).toHaveLength(1);
    const etcd = etcdOf(sim);
    for (const n of out.nodes) {
      const m = etcd.member(BigInt(`0x${n.memberId}`))!;
      expect(n.dbSize).toBe(m.dbSize);
      expect(n.dbSizeInUse).toBe(m.dbSizeInUse);
      expect(n.inUseRatio).toBeCloseTo(m.dbSizeInUse / m.dbSize, 6);
      expect(n.leader).toBe(etcd.leader.toString(16).padStart(16, '0'));
      // The guide's rule: in use / db size below 0.5 suggests defragmentation.
      expect(n.flags.includes('defrag')).toBe(n.inUseRatio < 0.5);
      expect(out.findings.some((f) => f.code === 'defrag-suggested' && f.node === n.node)).toBe(n.inUseRatio < 0.5);
    }
    const human = await cli('etcd', 'status', '-n', `${CP1},${CP2}`);
    expect(human.stdout.split('\n')[0]).toMatch(/^NODE\s+MEMBER\s+DB SIZE\s+IN USE\s+LEADER\s+RAFT INDEX\s+RAFT TERM\s+RAFT APPLIED INDEX\s+LEARNER\s+ERRORS$/);
    expect(human.stdout).toMatch(/\d+\.\d (MiB|KiB) \(\d+\.\d\d%\)/);
  });

  it('members: every node lists the same three members; a worker is reported, exit 1', async () => {
    const r = await cli('etcd', 'members', '-n', `${CP1},${CP2},${CP3}`, '--json');
    expect(r.code).toBe(0);
    const out = json<{ nodes: { node: string; members: { id: string; hostname: string; peerUrls: string[]; learner: boolean }[] }[]; agree: boolean }>(r.stdout);
    expect(out.agree).toBe(true);
    for (const n of out.nodes) {
      expect(n.members.map((m) => m.hostname).sort()).toEqual(['cp1', 'cp2', 'cp3']);
      expect(n.members.find((m) => m.hostname === 'cp2')).toMatchObject({ id: memberHex('cp2'), peerUrls: [`https://${CP2}:2380`], learner: false });
    }
    const withWorker = await cli('etcd', 'members', '-n', `${CP1},${W1}`);
    expect(withWorker.code).toBe(1);
    expect(withWorker.stdout).toContain(CP1);
    expect(withWorker.stderr).toContain(`talos-tui etcd: ${W1} runs no etcd: it is not a control-plane node`);
  });

  it('alarms: a NOSPACE alarm is listed and flagged, then disarmed', async () => {
    sim.node('cp2')!.setEtcdAlarm('NOSPACE');
    try {
      const listed = await cli('etcd', 'alarms', '-n', CP1, '--json');
      expect(json(listed.stdout)).toEqual({ nodes: [{ node: CP1, alarms: [{ memberId: memberHex('cp2'), alarm: 'NOSPACE' }] }] });
      const human = await cli('etcd', 'alarms', '-n', CP1);
      expect(human.stdout).toMatch(new RegExp(`${CP1.replace(/\./g, '\\.')}\\s+${memberHex('cp2')}\\s+NOSPACE`));
      expect(human.stderr).toContain('[ERROR] NOSPACE');

      const status = json<{ nodes: any[]; findings: { code: string }[]; overall: string }>((await cli('etcd', 'status', '-n', `${CP1},${CP2}`, '--json')).stdout);
      expect(status.findings.some((f) => f.code === 'alarm-nospace')).toBe(true);
      expect(status.overall).toBe('error');
      expect(status.nodes.find((n) => n.node === CP2).flags).toContain('nospace');
      expect(status.nodes.find((n) => n.node === CP1).flags).not.toContain('nospace');
      // The table names the alarm on cp2's row only (etcd echoes it in every member's errors).
      const table = (await cli('etcd', 'status', '-n', `${CP1},${CP2}`)).stdout.split('\n');
      expect(table.find((l) => l.startsWith(CP2))).toMatch(/alarm:NOSPACE\s*$/);
      expect(table.find((l) => l.startsWith(CP1))).not.toContain('NOSPACE');

      const disarm = await cli('etcd', 'alarms', 'disarm', '-n', CP1, '--json');
      expect(disarm.code).toBe(0);
      expect(json<any>(disarm.stdout).nodes[0].alarms).toEqual([{ memberId: memberHex('cp2'), alarm: 'NOSPACE' }]);
      expect(json(((await cli('etcd', 'alarms', '-n', CP1, '--json')).stdout))).toEqual({ nodes: [{ node: CP1, alarms: [] }] });
      const after = json<{ findings: { code: string }[] }>((await cli('etcd', 'status', '-n', `${CP1},${CP2}`, '--json')).stdout);
      expect(after.findings.some((f) => f.code === 'alarm-nospace')).toBe(false);
    } finally {
      etcdOf(sim).alarms = [];
    }
  });

  it('rejects unknown subcommands and stray arguments as usage errors', async () => {
    expect((await cli('etcd', 'frobnicate', '-n', CP1)).code).toBe(2);
    expect((await cli('etcd', 'alarms', 'explode', '-n', CP1)).stderr).toContain('"explode" is not list or disarm');
    expect((await cli('etcd')).code).toBe(2);
  });
});

describe('talos-tui etcd defrag', () => {
  it('defragments one node at a time, followers first and the leader last, with sizes before and after', async () => {
    const etcd = etcdOf(sim);
    const leader = sim.nodes.find((n) => n.machine.memberId === etcd.leader)!;
    const sizesBefore = new Map(etcd.memberList().map((m) => [m.peer.ip, { db: m.dbSize, inUse: m.dbSizeInUse }]));
    etcd.maxConcurrentDefrags = 0;
    etcd.defragLog = [];

    const r = await cli('etcd', 'defrag', '-n', `${CP1},${CP2},${CP3}`, '--json');
    expect(r.code).toBe(0);
    const out = json<{ order: string[]; steps: { node: string; before: { dbSize: number; inUse: number }; after: { dbSize: number; inUse: number }; startedAt: number; finishedAt: number }[]; skipped: string[] }>(r.stdout);
    expect(out.order).toHaveLength(3);
    expect(out.order[2]).toBe(leader.ip);
    expect(out.skipped).toEqual([]);
    for (const step of out.steps) {
      const before = sizesBefore.get(step.node)!;
      expect(step.before).toEqual({ dbSize: before.db, inUse: before.inUse });
      // The file shrinks to what is in use.
      expect(step.after).toEqual({ dbSize: before.inUse, inUse: before.inUse });
    }
    // Server side: never two at once, in the planned order, each starting after the previous ended.
    expect(etcd.maxConcurrentDefrags).toBe(1);
    const byMember = new Map(sim.nodes.map((n) => [n.machine.memberId, n.ip]));
    expect(etcd.defragLog.map((d) => byMember.get(d.memberId))).toEqual(out.order);
    for (let i = 1; i < etcd.defragLog.length; i++) expect(etcd.defragLog[i]!.startedAt).toBeGreaterThanOrEqual(etcd.defragLog[i - 1]!.finishedAt);

    const human = await cli('etcd', 'defrag', '-n', CP2);
    expect(human.code).toBe(0);
    expect(human.stdout.split('\n')[0]).toMatch(/^NODE\s+DB SIZE BEFORE\s+DB SIZE AFTER\s+IN USE\s+RESULT$/);
    expect(human.stdout).toContain('defragmented');
  });

  it('starts nothing when a node\'s etcd status cannot be read, and says so', async () => {
    const etcd = etcdOf(sim);
    etcd.defragLog = [];
    const r = await cli('etcd', 'defrag', '-n', `${CP2},${W1}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`nothing was defragmented: cannot read the etcd status of ${W1}: ${W1} runs no etcd`);
    expect(etcd.defragLog).toEqual([]);
  });
});

describe('talos-tui etcd snapshot', () => {
  it('writes exactly what the node streams, mode 0600, and prints size and sha256', async () => {
    const file = path.join(dir, 'db.snapshot');
    const r = await cli('etcd', 'snapshot', '-n', CP1, file);
    expect(r.code).toBe(0);
    const written = readFileSync(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const streamed: Uint8Array[] = [];
    for await (const chunk of machine.etcdSnapshot(session.target(CP1))) streamed.push(chunk);
    const expected = Buffer.concat(streamed);
    expect(written.length).toBe(expected.length);
    expect(written.equals(expected)).toBe(true);
    // A bbolt file (meta magic 0xED0CDAED at offset 16, little-endian) with etcd's sha256 trailer.
    expect(written.readUInt32LE(16)).toBe(0xed0cdaed);
    expect(written.subarray(-32).equals(createHash('sha256').update(written.subarray(0, -32)).digest())).toBe(true);
    const sha = createHash('sha256').update(written).digest('hex');
    expect(r.stdout).toContain(`(${written.length} bytes)`);
    expect(r.stdout).toContain(`sha256 ${sha}`);
    // Only the file itself is left behind: the temp file was renamed into place.
    expect(readdirSync(dir).filter((f) => f.includes('db.snapshot'))).toEqual(['db.snapshot']);

    const j = json<{ bytes: number; sha256: string; path: string }>((await cli('etcd', 'snapshot', '-n', CP2, path.join(dir, 'cp2.snapshot'), '--json')).stdout);
    expect(j.bytes).toBe(384 * 1024 + 32);
    expect(j.sha256).toBe(createHash('sha256').update(readFileSync(path.join(dir, 'cp2.snapshot'))).digest('hex'));
  });

  it('names the input at fault: a missing directory, two nodes or no file (exit 2: bad input)', async () => {
    const missing = await cli('etcd', 'snapshot', '-n', CP1, path.join(dir, 'nope', 'db.snapshot'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('does not exist');
    expect((await cli('etcd', 'snapshot', '-n', `${CP1},${CP2}`, path.join(dir, 'x'))).stderr).toContain('one node');
    expect((await cli('etcd', 'snapshot', '-n', CP1)).code).toBe(2);
    // A worker has no etcd: the error is the node's, and no file appears.
    const worker = await cli('etcd', 'snapshot', '-n', W1, path.join(dir, 'w1.snapshot'));
    expect(worker.code).toBe(1);
    expect(readdirSync(dir).some((f) => f.includes('w1.snapshot'))).toBe(false);
  });
});

describe('Status pane source and operations', () => {
  it('keeps polling the nodes that answer while a down node is shown stale with its error', async () => {
    const source = new StatusSource(session, { servicesIntervalMs: 150, etcdIntervalMs: 300 });
    try {
      source.setNodes([CP1, CP2, W1]);
      let s = await until(source, (x) => x.nodes.every((n) => x.summaries[n]?.servicesAt !== undefined) && x.etcd?.statusRows.length === 2);
      expect(s.etcdNodes).toEqual([CP1, CP2]); // the worker was recognised and is not asked for etcd
      expect(s.services[CP1]!.some((r) => r.id === 'etcd' && r.state === 'Running')).toBe(true);
      expect(s.summaries[W1]!.role).toBe('worker');

      await sim.node('w1')!.stop();
      s = await until(source, (x) => x.summaries[W1]!.stale);
      const staleAt = s.summaries[W1]!.servicesAt!;
      const cpAt = s.summaries[CP1]!.servicesAt!;
      s = await until(source, (x) => x.summaries[CP1]!.servicesAt! > cpAt + 200);
      // The last good rows stay, marked stale with the error; the others moved on.
      expect(s.summaries[W1]).toMatchObject({ stale: true, servicesAt: staleAt });
      expect(s.summaries[W1]!.error).toMatch(/\S/);
      expect(s.services[W1]!.some((r) => r.id === 'kubelet')).toBe(true);
      expect(s.summaries[CP1]!.stale).toBe(false);

      await sim.node('w1')!.start();
      await until(source, (x) => !x.summaries[W1]!.stale);
    } finally {
      source.dispose();
    }
  });

  it('flags a NOSPACE alarm on the right member and clears it with disarm', async () => {
    const source = new StatusSource(session, { servicesIntervalMs: 1000, etcdIntervalMs: 150 });
    try {
      source.setNodes([CP1, CP2, CP3]);
      sim.node('cp3')!.setEtcdAlarm('NOSPACE');
      const s = await until(source, (x) => x.etcd?.findings.some((f) => f.code === 'alarm-nospace') ?? false);
      expect(s.etcd!.statusRows.find((r) => r.node === CP3)!.flags).toContain('nospace');
      expect(s.etcd!.findings.find((f) => f.code === 'alarm-nospace')!.text).toContain(memberHex('cp3'));

      const outcome = await disarmAlarms(source, CP1);
      expect(outcome.tone).toBe('ok');
      expect(outcome.text).toContain(`NOSPACE on ${memberHex('cp3')}`);
      await until(source, (x) => !x.etcd!.findings.some((f) => f.code === 'alarm-nospace'));
      expect((await disarmAlarms(source, CP1)).text).toContain('no etcd alarm was active');
    } finally {
      etcdOf(sim).alarms = [];
      source.dispose();
    }
  });

  it('never runs two defragmentations at once: the second is refused while the first runs', async () => {
    const etcd = etcdOf(sim);
    etcd.maxConcurrentDefrags = 0;
    etcd.defragLog = [];
    const source = new StatusSource(session, { servicesIntervalMs: 1000, etcdIntervalMs: 1000 });
    try {
      source.setNodes([CP1, CP2, CP3]);
      const m2 = etcd.member(sim.node('cp2')!.machine.memberId)!;
      m2.dbSize = m2.dbSizeInUse * 3; // fragmented again
      const first = defragment(source, CP2);
      const second = await defragment(source, CP3);
      expect(second.tone).toBe('warn');
      expect(second.text).toMatch(new RegExp(String.raw`refused: defragment of ${NET_RE}\.12 is still running`));
      const done = await first;
      expect(done.tone).toBe('ok');
      expect(done.text).toMatch(new RegExp(String.raw`^defragmented ${NET_RE}\.12: db \S+ MiB -> \S+ MiB`));
      expect(etcd.maxConcurrentDefrags).toBe(1);
      expect(etcd.defragLog).toHaveLength(1);
      // Free again: the next one runs.
      expect((await defragment(source, CP3)).tone).toBe('ok');
      await until(source, (x) => x.lastResult?.text.startsWith(`defragmented ${NET}.13`) ?? false);
    } finally {
      source.dispose();
    }
  });

  it('snapshots to a file (0600, sha256 in the outcome), forfeits leadership and restarts a service', async () => {
    const source = new StatusSource(session, { servicesIntervalMs: 1000, etcdIntervalMs: 1000 });
    try {
      source.setNodes([CP1, CP2, CP3]);
      const file = path.join(dir, 'pane.snapshot');
      const saved = await snapshot(source, CP3, file);
      expect(saved.tone).toBe('ok');
      const content = readFileSync(file);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(saved.text).toContain(`${content.length} bytes, sha256 ${createHash('sha256').update(content).digest('hex')}`);

      const etcd = etcdOf(sim);
      const leader = sim.nodes.find((n) => n.machine.memberId === etcd.leader)!;
      const follower = sim.nodes.find((n) => n.role === 'controlplane' && n !== leader)!;
      expect((await forfeitLeadership(source, follower.ip)).text).toContain('was not the etcd leader');
      const moved = await forfeitLeadership(source, leader.ip);
      expect(moved.tone).toBe('ok');
      expect(etcd.leader).not.toBe(leader.machine.memberId);

      const kubelet = sim.node('cp1')!.machine.services.get('kubelet')!;
      const eventsBefore = kubelet.events.length;
      const restarted = await serviceAction(source, CP1, 'kubelet', 'restart');
      expect(restarted).toEqual({ text: `${CP1}: Service "kubelet" restarted`, tone: 'ok' });
      expect(kubelet.events.length).toBeGreaterThan(eventsBefore);
      const refused = await serviceAction(source, CP1, 'apid', 'stop');
      expect(refused.tone).toBe('error');
      expect(refused.text).toContain("doesn't support stop");
    } finally {
      source.dispose();
    }
  });
});

describe('talos-tui bootstrap', () => {
  it('refuses when etcd already has members, naming the node that lists them', async () => {
    const r = await cli('bootstrap', '-n', CP2);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(String.raw`refused: etcd already has members \(${NET_RE}\.1\d lists cp\d, cp\d, cp\d\)`));
  });

  it('--json says whether it bootstrapped and why not, and still exits 1 on a refusal', async () => {
    const r = await cli('bootstrap', '-n', CP2, '--json');
    expect(r.code).toBe(1);
    const out = json<{ node: string; bootstrapped: boolean; refused: string; checks: { node: string; type: string }[] }>(r.stdout);
    expect(out.node).toBe(CP2);
    expect(out.bootstrapped).toBe(false);
    expect(out.refused).toMatch(/^etcd already has members/);
    expect(out.checks.find((c) => c.node === CP2)!.type).toBe('controlplane');
  });

  it('bootstraps a fresh cluster once: a worker is refused, a control plane succeeds, a second time is refused', async () => {
    const fresh = await startSimCluster({ configured: 4, maintenance: 0, listen: `${FRESH_NET}.1`, rebootMs: 300, bootstrapped: false, logLinesPerSecond: 0 });
    const saved = talosconfig;
    try {
      talosconfig = path.join(dir, 'talosconfig-fresh');
      writeFileSync(talosconfig, fresh.talosconfigText, { mode: 0o600 });
      expect(etcdOf(fresh).memberList()).toHaveLength(0);

      const worker = await cli('bootstrap', '-n', `${FRESH_NET}.14`);
      expect(worker.code).toBe(1);
      expect(worker.stderr).toContain(`${FRESH_NET}.14 is a worker node: bootstrap runs on a control-plane node`);

      const ok = await cli('bootstrap', '-n', `${FRESH_NET}.11`);
      expect(ok.stderr).toBe('');
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain(`bootstrap sent to ${FRESH_NET}.11`);
      expect(etcdOf(fresh).memberList().map((m) => m.name).sort()).toEqual(['cp1', 'cp2', 'cp3']);

      const again = await cli('bootstrap', '-n', `${FRESH_NET}.12`);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('refused: etcd already has members');
      expect((await cli('bootstrap', '-n', `${FRESH_NET}.11,${FRESH_NET}.12`)).code).toBe(2);
    } finally {
      talosconfig = saved;
      await fresh.stop();
    }
  });
});
