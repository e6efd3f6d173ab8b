// End to end in a real terminal: tmux runs the BUILT console (`node dist/talos-tui.js --demo`) at
// 100x30, the Logs pane is opened with 5, a log is picked, and we read the screen until its lines
// arrive (and keep arriving); q must give the terminal back in cooked mode. Also the headless
// `logs -f` as a real process: Ctrl+C (SIGINT) ends it cleanly with exit 0.
// Everything binds on one free loopback /24 only (TALOS_TUI_DEMO_LISTEN, and the in-process simulator).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimCluster, writeTalosconfig, type SimCluster } from '../../src/sim/index.js';
import { exited, expectCookedTerminal, hasTmux, reportingScript, tmuxServer } from './tmux.js';
import { freeLoopback24 } from '../helpers/loopback.js';
import { builtEntry, describeBuilt, repoRoot } from '../helpers/built.js';

// Free loopback /24s (test/helpers/loopback.ts): two runs side by side never collide. `length` keeps
// addresses as wide as the columns and messages below expect.
const NET = await freeLoopback24({ length: 8 });
const NET_RE = NET.replaceAll('.', '\\.');

const root = repoRoot;
const entry = builtEntry;

const { tmux, keys, waitForScreen, kill } = tmuxServer(`talos-tui-logs-e2e-${process.pid}`, 15_000);

/** The "N lines" count of the Logs pane's mode line. */
function bufferedLines(text: string): number {
  const m = /· ([\d,]+) lines/.exec(text);
  return m ? Number(m[1]!.replace(/,/g, '')) : -1;
}

describeBuilt('Logs pane in a real terminal (tmux, --demo)', () => {
  afterAll(() => kill());

  it('5 opens Logs, picking dmesg streams lines from every node, q restores the terminal', async () => {
    const script = reportingScript(`cd ${root} && env CI=true NO_COLOR=1 TALOS_TUI_DEMO_LISTEN=${NET}.1 node dist/talos-tui.js --demo`);
    tmux('new-session', '-d', '-s', 'logs', '-x', '100', '-y', '30', 'sh', '-c', script);
    await waitForScreen('logs', (t) => /cert \d+d/.test(t), 'the demo session');

    keys('logs', '5');
    await waitForScreen('logs', (t) => t.includes('Follow which logs') && t.includes('machined'), 'the source picker with the services');
    // Rows: three nodes (checked), then dmesg first among the logs.
    keys('logs', 'Down', 'Down', 'Down');
    await waitForScreen('logs', (t) => /› +\[ \] dmesg/.test(t), 'the cursor on dmesg');
    keys('logs', 'Enter');

    const first = await waitForScreen(
      'logs',
      (t) => new RegExp(String.raw`^${NET_RE}\.11: +\w+: +\w+: \[\d{4}-`, 'm').test(t) && new RegExp(String.raw`^${NET_RE}\.13: `, 'm').test(t) && t.includes(`dmesg: ${NET}.11 live`),
      'kernel lines from the nodes',
    );
    for (const row of first.split('\n')) expect([...row].length).toBeLessThanOrEqual(100);
    // Lines keep arriving (the demo's nodes write a kernel line every few seconds).
    const before = bufferedLines(first);
    expect(before).toBeGreaterThan(0);
    await waitForScreen('logs', (t) => bufferedLines(t) > before, 'new lines to arrive', 20_000);

    // q walks back to Discovery (Logs was opened from there with 5); q at the top asks first, since
    // quitting would stop the streams; y quits.
    keys('logs', 'q');
    await waitForScreen('logs', (t) => t.includes('[1 Discovery]'), 'q to go back to Discovery');
    keys('logs', 'q');
    await waitForScreen('logs', (t) => t.includes('Quit? This is still running') && /Logs: \d+ log stream\(s\) followed/.test(t), 'the quit question naming the streams');
    keys('logs', 'y');
    const after = await waitForScreen('logs', exited, 'the console to exit (and stty -a after it)');
    expect(after).toContain('EXITED rc=0');
    expect(after).not.toContain(`dmesg: ${NET}`); // the alternate screen is gone
    expectCookedTerminal(after);
  });
}, hasTmux ? null : 'tmux is not installed');

describeBuilt('headless logs -f as a process', () => {
  let sim: SimCluster;
  let dir: string;
  beforeAll(async () => {
    sim = await startSimCluster({ configured: 1, maintenance: 0, listen: `${NET}.51`, logLinesPerSecond: 20 });
    dir = mkdtempSync(join(tmpdir(), 'talos-tui-logs-e2e-'));
    await writeTalosconfig(sim, join(dir, 'talosconfig'));
  });
  afterAll(async () => {
    await sim?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints the tail, follows, and exits 0 on Ctrl+C (SIGINT) with nothing on stderr', async () => {
    const ip = sim.nodes[0]!.ip;
    const child = spawn(process.execPath, [entry, 'logs', '--talosconfig', join(dir, 'talosconfig'), '-n', ip, 'machined', '--tail', '5', '-f'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (err += String(d)));
    const exitCode = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 10_000;
    // The tail (5 lines), then followed lines (20 per second).
    while (out.split('\n').length < 12 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(out.split('\n').length).toBeGreaterThanOrEqual(12);
    child.kill('SIGINT');
    expect(await exitCode).toBe(0);
    expect(err).toBe('');
    expect(out.endsWith('\n')).toBe(true);
  });
});
