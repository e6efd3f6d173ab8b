// What the headless services / etcd / bootstrap / logs / dmesg commands say when things go wrong or
// there is nothing to show, as the built entry prints it: one sentence on stderr that names the
// command once ("talos-tui etcd: …", never "talos-tui etcd: etcd defrag: …"), the input at fault,
// and no stray table header on stdout. Against the simulator on a free loopback /24 over mutual TLS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';
import { runCommand } from '../helpers/run-command.js';
import { freeLoopback24 } from '../helpers/loopback.js';

// Free loopback /24s (test/helpers/loopback.ts): two runs side by side never collide. `length` keeps
// addresses as wide as the columns and messages below expect.
const NET = await freeLoopback24({ length: 9 });

const CP1 = `${NET}.11`;
const W1 = `${NET}.14`;

let sim: SimCluster;
let dir: string;
let talosconfig: string;

/** `talos-tui NAME ARGS --talosconfig FILE` in-process, as main.ts runs it. */
const cli = (...argv: string[]) => runCommand(argv[0]!, [...argv.slice(1), '--talosconfig', talosconfig]);

/** Every stderr line names its command once: "talos-tui etcd: …", not "talos-tui etcd: etcd snapshot: …". */
function expectCommandNamedOnce(stderr: string): void {
  for (const line of stderr.trim().split('\n')) {
    expect(line).toMatch(/^talos-tui [a-z]+: /);
    expect(line).not.toMatch(/^talos-tui ([a-z]+): \1\b/);
  }
}

beforeAll(async () => {
  sim = await startSimCluster({ configured: 4, maintenance: 0, listen: `${NET}.1`, rebootMs: 300, logLinesPerSecond: 0 });
  dir = mkdtempSync(path.join(tmpdir(), 'cli-errors-test-'));
  talosconfig = path.join(dir, 'talosconfig');
  writeFileSync(talosconfig, sim.talosconfigText, { mode: 0o600 });
});

afterAll(async () => {
  await sim?.stop();
});

describe('error sentences name the command once', () => {
  it('etcd: usage errors (exit 2) and failures (exit 1) of every subcommand', async () => {
    const cases: [string[], number, string][] = [
      [['etcd', 'status'], 2, 'talos-tui etcd: name the node(s) with -n IP[,IP]'],
      [['etcd', 'defrag'], 2, 'talos-tui etcd: name the node(s) with -n IP[,IP]'],
      [['etcd', 'snapshot', '-n', CP1], 2, 'talos-tui etcd: snapshot needs the file to write'],
      [['etcd', 'snapshot', '-n', `${CP1},${W1}`, 'x.db'], 2, 'talos-tui etcd: take a snapshot from one node, not 2'],
      [['etcd', 'alarms', 'explode', '-n', CP1], 2, 'talos-tui etcd: "explode" is not list or disarm'],
      [['etcd', 'members', 'extra', '-n', CP1], 2, 'talos-tui etcd: unexpected argument "extra" after members'],
      [['etcd', 'frobnicate', '-n', CP1], 2, 'talos-tui etcd: "frobnicate" is not one of'],
      [['etcd', 'defrag', '-n', W1], 1, `talos-tui etcd: nothing was defragmented: cannot read the etcd status of ${W1}: ${W1} runs no etcd`],
      [['etcd', 'snapshot', '-n', W1, path.join(dir, 'w1.db')], 1, `talos-tui etcd: no snapshot was saved: ${W1} runs no etcd`],
      // A target that cannot be written is bad input (exit 2), as for config render -o.
      [['etcd', 'snapshot', '-n', CP1, path.join(dir, 'nope', 'db')], 2, 'talos-tui etcd: cannot write the snapshot to '],
    ];
    for (const [argv, code, start] of cases) {
      const r = await cli(...argv);
      expect([r.code, r.stderr.startsWith(start)], `${argv.join(' ')}: ${r.stderr}`).toEqual([code, true]);
      expectCommandNamedOnce(r.stderr);
    }
  });

  it('a per-node failure names the node once', async () => {
    const r = await cli('etcd', 'members', '-n', `${CP1},${W1}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`talos-tui etcd: ${W1} runs no etcd: it is not a control-plane node\n`);
    expectCommandNamedOnce(r.stderr.split('\n').filter((l) => l.startsWith('talos-tui')).join('\n'));
  });

  it('services, bootstrap, logs and dmesg usage errors', async () => {
    const cases: [string[], string][] = [
      [['services', 'extra', '-n', CP1], 'talos-tui services: unexpected argument "extra"'],
      [['services'], 'talos-tui services: name the node(s)'],
      [['bootstrap', 'extra', '-n', CP1], 'talos-tui bootstrap: unexpected argument "extra"'],
      [['bootstrap', '-n', `${CP1},${W1}`], 'talos-tui bootstrap: name exactly one node, not 2'],
      [['logs', '-n', CP1], 'talos-tui logs: name the service'],
      [['logs', '-n', CP1, 'a', 'b'], 'talos-tui logs: one service at a time'],
      [['logs', '-n', CP1, 'kubelet', '--tail', 'x'], 'talos-tui logs: --tail takes a whole number, not "x"'],
      [['dmesg', 'extra', '-n', CP1], 'talos-tui dmesg: takes no arguments'],
    ];
    for (const [argv, start] of cases) {
      const r = await cli(...argv);
      expect([r.code, r.stderr.startsWith(start)], `${argv.join(' ')}: ${r.stderr}`).toEqual([2, true]);
      expectCommandNamedOnce(r.stderr);
    }
  });

  it('bootstrap refusals', async () => {
    const r = await cli('bootstrap', '-n', CP1);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^talos-tui bootstrap: refused: etcd already has members/);
    expectCommandNamedOnce(r.stderr);
  });
});

describe('nothing to show', () => {
  it('etcd alarms with none raised says "no alarms" (exit 0); --json gives each node an empty list', async () => {
    expect(sim.nodes[0]!.machine.cluster.etcd.alarms).toEqual([]);
    const human = await cli('etcd', 'alarms', '-n', CP1);
    expect(human).toEqual({ code: 0, stdout: 'no alarms\n', stderr: '' });
    const json = await cli('etcd', 'alarms', '-n', CP1, '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ nodes: [{ node: CP1, alarms: [] }] });
  });

  it('no table header when no node answered (services, etcd status, members, alarms)', async () => {
    const w1 = sim.node('w1')!;
    await w1.stop();
    try {
      const services = await cli('services', '-n', W1);
      expect(services.code).toBe(1);
      expect(services.stdout).toBe('');
      expect(services.stderr).toMatch(new RegExp(`^talos-tui services: .*${W1.replace(/\./g, '\\.')}`));
      expectCommandNamedOnce(services.stderr);
      // One node answering still gets its table.
      const mixed = await cli('services', '-n', `${CP1},${W1}`);
      expect(mixed.stdout).toMatch(/^NODE\s+SERVICE/);
    } finally {
      await w1.start();
    }
    for (const sub of ['status', 'members', 'alarms']) {
      const r = await cli('etcd', sub, '-n', W1);
      expect([r.code, r.stdout], sub).toEqual([1, '']);
      expect(r.stderr, sub).toContain(`talos-tui etcd: ${W1} runs no etcd`);
    }
  });
});

describe('logs of a service the node does not have', () => {
  it('names the node and the log, and points at `talos-tui services -n IP` (exit 1)', async () => {
    const r = await cli('logs', '-n', CP1, 'nosuch');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `talos-tui logs: ${CP1} has no log "nosuch": no Talos service of that name runs there (\`talos-tui services -n ${CP1}\` lists them; a Kubernetes container's log needs -k)\n`,
    );
  });
});
