// The Status pane inside the real shell at 80x24, fed by a real simulator session on a free loopback /24:
// services rows render per node, views switch, a dangerous action asks for the node name and does
// nothing on a wrong name (or Esc), the right name runs it; the snapshot path prompt writes a file.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { render, cleanup } from 'ink-testing-library';
import { Shell } from '../../src/ui/shell/Shell.js';
import { panes } from '../../src/features/registry.js';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';
import { parseTalosconfig, TalosSession } from '../../src/talos/index.js';
import { displayWidth } from '../../src/ui/text.js';
import { screen, tick } from '../helpers/ink.js';
import { freeLoopback24 } from '../helpers/loopback.js';
import { untilText } from '../helpers/until.js';

// Free loopback /24s (test/helpers/loopback.ts): two runs side by side never collide. `length` keeps
// addresses as wide as the columns and messages below expect.
const NET = await freeLoopback24({ length: 9 });
const NET_RE = NET.replaceAll('.', '\\.');

const CP1 = `${NET}.11`;
const ESC = '\u001B';
const ENTER = '\r';
const DOWN = '\u001B[B';
const RIGHT = '\u001B[C';
const TAB = '\t';
const CTRL_U = '\u0015';
/** The shell's hint bar once a field has the keyboard (its wording is the shell's: match the lead word). */
const CAPTURED = /\ntyping\b/;

let sim: SimCluster;
let session: TalosSession;

beforeAll(async () => {
  sim = await startSimCluster({ configured: 3, maintenance: 0, listen: `${NET}.1`, rebootMs: 300, logLinesPerSecond: 0 });
  session = new TalosSession(parseTalosconfig(sim.talosconfigText, 'sim'));
});
afterAll(async () => {
  session?.close();
  await sim?.stop();
});
afterEach(() => cleanup());


function mount() {
  const onQuit = vi.fn();
  const r = render(<Shell panes={panes} session={session} initialPane="status" size={{ columns: 80, rows: 24 }} onQuit={onQuit} />);
  const { frame, press } = screen(r, 40);
  const until = (check: string | RegExp, timeout = 6000) => untilText(frame, check, { timeout, interval: 30 });
  // The pane publishes its action table in an effect after its first frame: wait for its hints.
  const ready = async () => {
    await until(`${CP1} (1/3)`);
    await until('Tab view');
  };
  // A prompt's own key listener is attached by Ink in an effect after the prompt is drawn; under load
  // a key can arrive before it and be dropped (never misrouted: the shell is already captured). So
  // probe the field: type "~" until it shows, then clear it.
  const fieldReady = async () => {
    await until(CAPTURED);
    await vi.waitFor(
      async () => {
        if (!/~+_/.test(frame())) {
          r.stdin.write('~');
          await tick(80);
        }
        expect(frame()).toMatch(/~+_/);
      },
      { timeout: 5000, interval: 50 },
    );
    await press(CTRL_U);
    await until(/> _/);
  };
  return { ...r, frame, until, press, ready, fieldReady, onQuit };
}

describe('Status pane', () => {
  it('renders the services of the selected node in 80x24 and switches node and view instantly', async () => {
    const s = mount();
    await s.ready();
    await s.until(/etcd\s+Running\s+healthy/);
    const lines = s.frame().split('\n');
    expect(lines.length).toBeLessThanOrEqual(24);
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(80);
    expect(s.frame()).toMatch(/SERVICE\s+STATE\s+HEALTH\s+CHANGED/);
    expect(s.frame()).toContain('> apid');
    expect(s.frame()).toContain('recent events of apid');

    await s.press(RIGHT);
    await s.until(`${NET}.12 (2/3)`);
    await s.press(TAB);
    await s.until('[etcd status]');
    await s.until(/NODE\s+DB SIZE\s+IN USE\s+LEADER/);
    await s.until(new RegExp(String.raw`${NET_RE}\.1[123]\s+\S+ MiB\s+\S+ MiB \(\d+\.\d\d%\)\s+leader`));
    await s.press(TAB);
    await s.until('[etcd members]');
    await s.until(new RegExp(String.raw`[0-9a-f]{16}\s+cp1\s+https:\/\/${NET_RE}\.11:`));
    for (const line of s.frame().split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(80);
  });

  it('asks for the node name before a restart: a wrong name or Esc does nothing, the right one restarts', async () => {
    const kubelet = sim.node('cp1')!.machine.services.get('kubelet')!;
    const s = mount();
    await s.ready();
    await s.until(/kubelet\s+Running/);
    await s.press(...Array(7).fill(DOWN));
    await s.until('> kubelet');
    const events = kubelet.events.length;
    // Every restart of a running service logs one "Stopping service" event on the node.
    const restarts = () => kubelet.events.filter((e) => e.msg === 'Stopping service').length;
    const restartsBefore = restarts();

    await s.press('r');
    await s.until(`Restart service kubelet on ${CP1}?`);
    await s.until(`Type the node name (${CP1})`);
    await s.fieldReady();
    // The field has the keyboard: q and digits are text, not quit or pane switches.
    await s.press('q', '4', ENTER);
    await s.until(`"q4" is not ${CP1}: nothing was done`);
    expect(s.onQuit).not.toHaveBeenCalled();
    await s.press(CTRL_U, `${NET}.12`, ENTER);
    await s.until(`"${NET}.12" is not ${CP1}: nothing was done`);
    await s.press(ESC);
    await s.until('cancelled: nothing was done');
    expect(s.frame()).not.toContain('Type the node name');

    await s.press('r');
    await s.until('Type the node name');
    await s.fieldReady();
    await s.press(CP1, ENTER);
    await s.until('Service "kubelet" restarted');
    expect(kubelet.events.length).toBeGreaterThan(events);
    // The confirmed restart has come back (the event): exactly one restart reached the node, so the
    // two wrong names and the Esc before it sent nothing.
    expect(restarts() - restartsBefore).toBe(1);
    // A frame drawn after a later event (the next view) shows the outcome once: the operation line
    // under every view, never again in the status bar.
    await s.press(TAB);
    await s.until('[etcd status]');
    expect(s.frame().match(/Service "kubelet" restarted/g)).toHaveLength(1);
    expect(s.frame()).not.toContain('restart kubelet on');
  });

  it('defragment asks for the node name and a wrong one sends nothing', async () => {
    const etcd = sim.nodes[0]!.machine.cluster.etcd;
    etcd.defragLog = [];
    const s = mount();
    await s.ready();
    await s.press(TAB);
    await s.until(new RegExp(String.raw`> ${NET_RE}\.11\s+\S+ MiB`));
    await s.press('d');
    await s.until(`Defragment etcd on ${CP1}?`);
    await s.until("Blocks this member's reads and writes");
    await s.fieldReady();
    // Name and Enter in one chunk (a paste, `tmux send-keys NAME Enter`): taken apart like typing.
    await s.press(`${NET}.1\r`);
    await s.until(`"${NET}.1" is not ${CP1}`);
    await s.press(ESC);
    await s.until('cancelled: nothing was done');
    expect(etcd.defragLog).toEqual([]);

    await s.press('d');
    await s.until('Type the node name');
    await s.fieldReady();
    await s.press(`${CP1}\r`);
    await s.until(new RegExp(`defragmented ${CP1.replace(/\./g, '\\.')}: db \\S+ MiB -> \\S+ MiB`));
    // The confirmed defragmentation has come back (the event) and is the only one the node ran: the
    // wrong name and the Esc before it sent nothing.
    expect(etcd.defragLog).toHaveLength(1);
    // The outcome is shown once: in the pane's operation line, not again in the status bar (checked
    // on a frame drawn after a later event: the next view).
    await s.press(TAB);
    await s.until('[etcd members]');
    expect(s.frame().match(/defragmented 127/g)).toHaveLength(1);
  });

  it('defragment, the node name and Enter in ONE input chunk: the name reaches the prompt and defragments', async () => {
    const etcd = sim.nodes[0]!.machine.cluster.etcd;
    etcd.defragLog = [];
    const s = mount();
    await s.ready();
    await s.press(TAB);
    await s.until(new RegExp(String.raw`> ${NET_RE}\.11\s+\S+ MiB`));
    await s.until('d defrag');
    s.stdin.write(`d${CP1}\r`);
    await s.until(new RegExp(`defragmented ${CP1.replace(/\./g, '\\.')}: db`));
    expect(etcd.defragLog).toHaveLength(1);
    expect(s.onQuit).not.toHaveBeenCalled();
  });

  it('a move and an action in one input chunk act on the row the move selected', async () => {
    const s = mount();
    await s.ready();
    await s.press(TAB);
    await s.until(new RegExp(String.raw`> ${NET_RE}\.11\s+\S+ MiB`));
    await s.until('f forfeit');
    // Down then f arrive together (typed fast, or tmux send-keys Down f): f is for .12, not .11.
    await s.press(`${DOWN}f`);
    await s.until(new RegExp(String.raw`> ${NET_RE}\.12\s+\S+ MiB`));
    await s.until(`Make ${NET}.12 give up etcd leadership?`);
    await s.press(ESC);
    await s.until('cancelled: nothing was done');
    await s.until('f forfeit');
    // Same on the services view: the view switch and the move are seen by the next key at once.
    await s.press(`${TAB}${TAB}${TAB}${DOWN}${DOWN}x`); // etcd -> members -> nodes -> services
    await s.until(`Stop service containerd on ${CP1}?`);
    expect(s.frame()).toContain('> containerd');
    await s.press(ESC);
  });

  it('↓ then r in one input chunk restarts the service the move selected; → then r keeps it on the next node', async () => {
    const s = mount();
    await s.ready();
    await s.until(/kubelet\s+Running/);
    // Six rows down, the cursor sits right above kubelet (Talos restarts only some services through
    // the API: kubelet is one), and the screen says so.
    await s.press(...Array(6).fill(DOWN));
    await s.until(/\n> \S+[^\n]*\n\s+kubelet\s/);
    await s.until('r restart');
    const kubelet = sim.node('cp1')!.machine.services.get('kubelet')!;
    const restarts = () => kubelet.events.filter((e) => e.msg === 'Stopping service').length;
    const before = restarts();

    s.stdin.write(`${DOWN}r`);
    await s.until(`Restart service kubelet on ${CP1}?`);
    await s.fieldReady();
    await s.press(CP1, ENTER);
    await s.until('Service "kubelet" restarted');
    expect(restarts() - before).toBe(1);

    // The node switch and the action together: r is for the same service (kept by id) on the next node.
    await s.until('r restart');
    s.stdin.write(`${RIGHT}r`);
    await s.until(`Restart service kubelet on ${NET}.12?`);
    await s.press(ESC);
    await s.until('cancelled: nothing was done');
  });

  it('saves a snapshot to the path typed in the prompt and shows its sha256', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'status-ui-'));
    const file = path.join(dir, 'ui.snapshot');
    const s = mount();
    await s.ready();
    await s.press(TAB);
    await s.until(new RegExp(String.raw`> ${NET_RE}\.11\s+\S+ MiB`));
    await s.press('b');
    await s.until(new RegExp(String.raw`> \.\/etcd-${NET_RE}\.11-\d{8}T\d{6}Z\.snapshot`));
    await s.fieldReady();
    await s.press(CTRL_U, `${file}\r`);
    await s.until(/sha256\s+[0-9a-f]{64}/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(s.frame().replace(/\s+/g, ' ')).toContain(`(${statSync(file).size} bytes`);
  });

  it('marks a node that stops answering as stale and keeps its last rows', async () => {
    const s = mount();
    await s.ready();
    await s.press(RIGHT, RIGHT);
    await s.until(new RegExp(String.raw`${NET_RE}\.13 \(3\/3\) \d+\/\d+ running`));
    await sim.node('cp3')!.stop();
    try {
      await s.until(new RegExp(String.raw`${NET_RE}\.13 \(3\/3\) STALE`), 8000);
      expect(s.frame()).toMatch(/apid\s+Running/);
    } finally {
      await sim.node('cp3')!.start();
    }
  });
});
