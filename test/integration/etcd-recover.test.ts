// Etcd recovery (seed 002 §6) against the simulator over real TLS: a snapshot taken from a live
// cluster with `talos-tui etcd snapshot` is recovered into a fresh cluster by `provision
// --recover-from` and by `bootstrap --recover-from`, and the recovered data shows (etcd status's db
// size, the node's "recovering etcd from snapshot" line). A snapshot that fails the local check is
// refused with exit 2 before anything is sent (the simulator saw no EtcdRecover, no Bootstrap).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse, stringify } from 'yaml';
import { ProvisionSource } from '../../src/features/provision/source.js';
import { planLines } from '../../src/features/provision/views.js';
import { simClusterConfigs } from '../../src/sim/cluster-configs.js';
import type { SimCluster } from '../../src/sim/index.js';
import { machine, parseTalosconfig, TalosSession } from '../../src/talos/index.js';
import { startSimOnFreeLoopback } from '../helpers/loopback.js';
import { runCommand } from '../helpers/run-command.js';

let dir: string;
let source: SimCluster;
let snapshot: string;
let sourceDbSize: number;

const machineOf = (sim: SimCluster, name: string) => sim.node(name)!.machine;
const recoverCalls = (sim: SimCluster) => sim.nodes.reduce((n, node) => n + node.machine.etcdRecoverCalls, 0);

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'etcd-recover-'));
  // The live cluster the snapshot comes from (the simulator's own, bootstrapped), and two
  // maintenance machines a fresh cluster is provisioned on.
  source = await startSimOnFreeLoopback({ configured: 1, maintenance: 2, rebootMs: 150, logLinesPerSecond: 0 });
  const talosconfig = path.join(dir, 'source-talosconfig');
  writeFileSync(talosconfig, source.talosconfigText, { mode: 0o600 });
  snapshot = path.join(dir, 'db.snapshot');
  const cp1 = source.node('cp1')!;
  const r = await runCommand('etcd', ['snapshot', '-n', cp1.ip, snapshot], { env: { TALOSCONFIG: talosconfig } });
  expect(r.code, r.stderr).toBe(0);
  sourceDbSize = cp1.machine.etcd.member(cp1.machine.memberId)!.dbSize;
}, 30_000);

afterAll(async () => {
  await source?.stop();
});

/** A copy of the snapshot changed by `edit`, e.g. one byte flipped or the trailer cut off. */
function variant(name: string, edit: (b: Buffer) => Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, edit(readFileSync(snapshot)));
  return file;
}
const flipped = () => variant('flipped.snapshot', (b) => ((b[5000] ^= 0xff), b));
const noTrailer = () => variant('datadir-copy.db', (b) => b.subarray(0, b.length - 32));

/** A profile for cp1 (on m1) and w1 (on m2); `macs` overrides the MACs the two entries expect. */
function writeProfile(sim: SimCluster, macs?: [string, string]): { profile: string; env: NodeJS.ProcessEnv } {
  const base = sim.nodes[0]!.ip.split('.').slice(0, 3).join('.');
  const pdir = path.join(dir, 'fresh');
  mkdirSync(path.join(pdir, 'talos'), { recursive: true });
  const configs = simClusterConfigs({ clusterName: 'fresh', endpoint: `https://${base}.61:6443` });
  for (const [f, text] of Object.entries({ 'controlplane.yaml': configs.controlplane, 'worker.yaml': configs.worker, talosconfig: configs.talosconfig })) {
    writeFileSync(path.join(pdir, 'talos', f), text, { mode: 0o600 });
  }
  const [cpMac, wMac] = macs ?? [sim.node('m1')!.machine.macs[0], sim.node('m2')!.machine.macs[0]];
  const profile = path.join(pdir, 'cluster.yaml');
  writeFileSync(
    profile,
    [
      `cluster: { name: fresh, endpoint: "https://${base}.61:6443", talosVersion: v1.13 }`,
      'configDir: ./talos',
      `scan: [${base}.0/24]`,
      'nodes:',
      `  - { name: cp1, role: controlplane, mac: "${cpMac}", address: ${base}.61/24 }`,
      `  - { name: w1, role: worker, mac: "${wMac}", address: ${base}.62/24 }`,
      '',
    ].join('\n'),
  );
  return { profile, env: { HOME: pdir, TALOSCONFIG: path.join(pdir, 'talosconfig-merged') } };
}

describe('provision --recover-from', () => {
  it('refuses a snapshot whose sha256 trailer does not match, with exit 2 and nothing sent', async () => {
    const { profile, env } = writeProfile(source);
    const r = await runCommand('provision', [profile, '--yes', '--scan-timeout', '300', '--recover-from', flipped()], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/etcd snapshot .*flipped\.snapshot fails its integrity check: the sha256 at its end does not match its content.*nothing was sent/);
    expect(source.nodes.filter((n) => n.mode === 'maintenance')).toHaveLength(2);
    expect(recoverCalls(source)).toBe(0);
  });

  it('refuses a $KUBECONFIG of several files before anything is sent', async () => {
    const { profile, env } = writeProfile(source);
    const r = await runCommand('provision', [profile, '--yes', '--scan-timeout', '300', '--recover-from', snapshot], {
      env: { ...env, KUBECONFIG: [path.join(dir, 'a'), path.join(dir, 'b')].join(path.delimiter) },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\$KUBECONFIG names 2 files .*--kubeconfig FILE; nothing was sent/);
    expect(source.nodes.filter((n) => n.mode === 'maintenance')).toHaveLength(2);
  });

  it('provisions a fresh cluster whose etcd is recovered from the snapshot, and ends healthy', async () => {
    const { profile, env } = writeProfile(source);
    const r = await runCommand('provision', [profile, '--yes', '--scan-timeout', '300', '--recover-from', snapshot], { env });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^bootstrap: cp1 \(recovering etcd from .*db\.snapshot, \d+ bytes, sha256 [0-9a-f]{12}… verified\)$/m);
    expect(r.stdout).toMatch(/cp1: uploading \d+ bytes to /);
    expect(r.stdout).toMatch(/etcd recovered on cp1 from .*db\.snapshot/);
    expect(recoverCalls(source)).toBe(1);

    // The recovered database, as etcd status reports it through the new cluster's talosconfig.
    const st = await runCommand('etcd', ['status', '-n', machineOf(source, 'm1').ip, '--json'], { env });
    expect(st.code, st.stderr).toBe(0);
    const node = JSON.parse(st.stdout).nodes[0];
    expect(node.dbSize).toBe(sourceDbSize);
    // The fresh cluster is its own etcd (its own CA), distinct from the source cluster's.
    expect(machineOf(source, 'm1').etcd).not.toBe(machineOf(source, 'cp1').etcd);
    expect(machineOf(source, 'm1').etcd.restored?.dbSize).toBe(sourceDbSize);
  }, 60_000);
});

describe('bootstrap --recover-from', () => {
  let sim: SimCluster;
  let env: NodeJS.ProcessEnv;
  let cp1: string;

  beforeAll(async () => {
    // Three configured control planes whose etcd waits for bootstrap (Preparing), as the seed's
    // procedure wants them before a recovery.
    sim = await startSimOnFreeLoopback({ configured: 3, maintenance: 0, bootstrapped: false, logLinesPerSecond: 0 });
    const talosconfig = path.join(dir, 'b-talosconfig');
    writeFileSync(talosconfig, sim.talosconfigText, { mode: 0o600 });
    env = { TALOSCONFIG: talosconfig };
    cp1 = sim.node('cp1')!.ip;
  }, 30_000);

  afterAll(async () => {
    await sim?.stop();
  });

  it.each([
    ['a missing file', () => path.join(dir, 'nope.snapshot'), /etcd snapshot .*nope\.snapshot does not exist; nothing was sent/],
    ['a directory', () => dir, /etcd snapshot .* is a directory, not a file; nothing was sent/],
    ['an empty file', () => variant('empty.snapshot', () => Buffer.alloc(0)), /etcd snapshot .*empty\.snapshot is empty; nothing was sent/],
    ['a damaged snapshot', flipped, /fails its integrity check/],
    ['a data-directory copy without --recover-skip-hash-check', noTrailer, /has no sha256 trailer .*pass --recover-skip-hash-check; nothing was sent/],
  ])('refuses %s with exit 2 and sends nothing', async (_what, file, message) => {
    const r = await runCommand('bootstrap', ['-n', cp1, '--recover-from', file()], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(recoverCalls(sim)).toBe(0);
    expect(sim.node('cp1')!.machine.etcd.bootstrapped).toBe(false);
  });

  it('behaves as Talos when Bootstrap asks for recovery without an upload: the call succeeds, etcd fails', async () => {
    const session = new TalosSession(parseTalosconfig(sim.talosconfigText, 'sim'));
    try {
      await machine.bootstrap(session.target(cp1), { recoverEtcd: true });
      const etcd = (await machine.serviceList(session.target(cp1))).find((s) => s.id === 'etcd')!;
      expect(etcd.state).toBe('Failed');
      expect(etcd.events!.events.at(-1)!.msg).toBe('Failed to run pre stage: error verifying snapshot: open /var/lib/etcd.snapshot: no such file or directory');
    } finally {
      session.close();
    }
    expect(sim.node('cp1')!.machine.etcd.bootstrapped).toBe(false);
  });

  it('reports the node\'s own refusal: a file that is no etcd database fails etcd, exit 1', async () => {
    const r = await runCommand('bootstrap', ['-n', cp1, '--recover-from', variant('notes.txt', () => Buffer.from('not a database\n')), '--recover-skip-hash-check'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`etcd on ${cp1} did not recover: Failed to run pre stage: error verifying snapshot: invalid database`);
    expect(sim.node('cp1')!.machine.etcdRecoverCalls).toBe(1);
    expect(sim.node('cp1')!.machine.etcd.bootstrapped).toBe(false);
  });

  it('passes --recover-skip-hash-check to the node: a copy without a trailer is recovered (first endpoint down)', async () => {
    // The context's first endpoint answers nothing: the upload goes through the next one, untouched.
    const deadFirst = path.join(dir, 'b-talosconfig-dead-first');
    const tc = parse(sim.talosconfigText) as { contexts: Record<string, { endpoints: string[] }> };
    for (const c of Object.values(tc.contexts)) c.endpoints.unshift(`${cp1.split('.').slice(0, 3).join('.')}.250`);
    writeFileSync(deadFirst, stringify(tc), { mode: 0o600 });
    const r = await runCommand('bootstrap', ['-n', cp1, '--recover-from', noTrailer(), '--recover-skip-hash-check'], { env: { TALOSCONFIG: deadFirst } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/recovering from snapshot ".*datadir-copy\.db": .*hash check skipped/);
    expect(r.stdout).toContain(`etcd recovered on ${cp1} from the snapshot`);
    const m = sim.node('cp1')!.machine;
    expect(m.etcdRecoverCalls).toBe(2);
    expect(m.etcd.restored?.dbSize).toBe(sourceDbSize);
    expect(m.recoverySnapshot).toBeUndefined(); // Talos deletes the upload once restored
    // The other control planes joined the recovered cluster.
    expect(m.etcd.memberList().map((x) => x.name).sort()).toEqual(['cp1', 'cp2', 'cp3']);
    // The node's own account, in its machined log: `talos-tui logs machined`.
    const logs = await runCommand('logs', ['-n', cp1, 'machined'], { env });
    expect(logs.stdout).toMatch(/recovering etcd from snapshot: hash [0-9a-f]{8}, revision \d+, total keys \d+, total size \d+/);
  });

  it('refuses a second recovery once etcd has members (the bootstrap guard)', async () => {
    const r = await runCommand('bootstrap', ['-n', cp1, '--recover-from', snapshot], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/refused: etcd already has members/);
    expect(sim.node('cp1')!.machine.etcdRecoverCalls).toBe(2);
  });
});

describe('the Provision pane with a recovery snapshot (its source and plan view, no terminal)', () => {
  let sim: SimCluster;

  beforeAll(async () => {
    sim = await startSimOnFreeLoopback({ configured: 0, maintenance: 2, rebootMs: 150, logLinesPerSecond: 0 });
  }, 30_000);

  afterAll(async () => {
    await sim?.stop();
  });

  it('provision: an ambiguous MAC (one machine carries the MACs of two entries) stops the plan, nothing sent', async () => {
    const m1 = sim.node('m1')!;
    expect(m1.machine.macs.length).toBeGreaterThanOrEqual(2);
    const { profile, env } = writeProfile(sim, [m1.machine.macs[0]!, m1.machine.macs[1]!]);
    const r = await runCommand('provision', [profile, '--yes', '--scan-timeout', '300', '--recover-from', snapshot], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('--recover-from is not used');
    expect(r.stderr).toContain(`cp1: ambiguous: ${m1.ip} carries the MACs of cp1 and w1; nothing is applied to an ambiguous match`);
    expect(r.stderr).toMatch(/the plan cannot run .*nothing was sent/);
    expect(sim.nodes.filter((n) => n.mode === 'maintenance')).toHaveLength(2);
    expect(recoverCalls(sim)).toBe(0);
  });

  it('refuses a damaged snapshot when it is given, then plans and runs the recovery', async () => {
    const { profile, env } = writeProfile(sim);
    const source = new ProvisionSource(env);
    // What the pane renders: the store publishes at most 10 times a second.
    const published = async (check: (s: ReturnType<typeof source.store.getSnapshot>) => boolean) => {
      await vi.waitFor(() => expect(check(source.store.getSnapshot())).toBe(true), { timeout: 5_000 });
      return source.store.getSnapshot();
    };
    try {
      await source.plan(profile);
      let s = await published((x) => x.phase === 'planned');
      expect(planLines(s)).toContain('bootstrap: cp1');

      await source.setRecovery(noTrailer(), false);
      s = await published((x) => x.error !== null);
      expect(s.error).toMatch(/has no sha256 trailer .*press E to skip the hash check$/);
      await source.setRecovery(source.recoveryFile(), true); // what E does
      s = await published((x) => x.recovery !== null);
      expect(s.recovery).toMatch(/datadir-copy\.db, \d+ bytes, hash check skipped$/);

      await source.setRecovery(flipped(), false);
      s = await published((x) => x.error !== null);
      expect(s.error).toMatch(/fails its integrity check/);
      expect(s.recovery).toBeNull();

      await source.setRecovery(snapshot, false);
      s = await published((x) => x.recovery !== null);
      expect(s.error).toBeNull();
      expect(planLines(s).find((l) => l.startsWith('bootstrap: '))).toMatch(/^bootstrap: cp1 \(recovering etcd from .*db\.snapshot, \d+ bytes, sha256 [0-9a-f]{12}… verified\)$/);

      await source.run();
      s = await published((x) => x.phase === 'done');
      expect(s.healthy, s.log.join('\n')).toBe(true);
      expect(s.log.some((l) => /^bootstrap cp1: sent: etcd recovered on cp1 from /.test(l))).toBe(true);
      expect(machineOf(sim, 'm1').etcd.restored?.dbSize).toBe(sourceDbSize);
    } finally {
      source.dispose();
    }
  }, 60_000);
});
