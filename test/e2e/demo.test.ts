// End to end in a real terminal: tmux runs the BUILT package (`node dist/talos-tui.js --demo`) in an
// 80x24 pane; we type with send-keys and read the screen with capture-pane. Checks what only a real
// terminal shows: the first frame, keys through a pty, NO_COLOR, and that quitting (q, or SIGTERM)
// leaves the terminal in cooked mode with the alternate screen gone.
// The demo binds its simulated nodes on 127.0.0.0/8 only.
import { afterAll, expect, it } from 'vitest';
import { exited, expectCookedTerminal, hasTmux, reportingScript, tmuxServer } from './tmux.js';
import { freeSimListen } from '../helpers/loopback.js';
import { describeBuilt, repoRoot } from '../helpers/built.js';

const root = repoRoot;

const { tmux, screen, keys, waitForScreen, modes, childPid, kill } = tmuxServer(`talos-tui-e2e-${process.pid}`);

/**
 * A session whose shell runs the console, then reports the exit code and the terminal mode, so the
 * test can see what the user's shell would get back. CI=true on purpose: that is how CI runs us.
 * Resolves with the prefix of the /24 its nodes took (e.g. "127.83.7").
 */
async function startConsole(name: string, env: string): Promise<string> {
  // Each console's simulated nodes on a free loopback /24, clear of other tests' simulators.
  const listen = await freeSimListen({ length: 9 });
  const script = reportingScript(`cd ${root} && env CI=true TALOS_TUI_DEMO_LISTEN=${listen} ${env} node dist/talos-tui.js --demo`);
  tmux('new-session', '-d', '-s', name, '-x', '80', '-y', '24', 'sh', '-c', script);
  return listen.replace(/\.1$/, '');
}

describeBuilt('talos-tui --demo in tmux (80x24)', () => {
  afterAll(() => kill());

  it('draws the shell, switches panes, shows help, runs : commands, and q restores the terminal', async () => {
    const net = await startConsole('main', 'NO_COLOR=1');
    const first = await waitForScreen('main', (t) => t.includes('[1 Discovery]') && t.includes('DEMO'), 'the first frame');
    // Every row fits 80 columns (tmux would wrap a longer one onto the next row).
    for (const row of first.split('\n')) expect([...row].length).toBeLessThanOrEqual(80);
    // The simulated cluster's session reaches the header: context and cert expiry.
    await waitForScreen('main', (t) => /ctx demo/.test(t) && /cert \d+d/.test(t) && t.includes(`ep ${net}.11`), 'the demo session in the header');
    expect(modes('main')).toEqual({ altScreen: true, cursorVisible: false });

    // Discovery offers the simulator's /24 and finds its maintenance nodes (s opens the prefilled field).
    await waitForScreen('main', (t) => t.includes(`targets: ${net}.0/24`), 'the demo /24 offered as the scan target');
    keys('main', 's', 'Enter');
    await waitForScreen('main', (t) => /\b7 maintenance · 3 configured\b/.test(t), 'the scan to identify the simulated nodes');

    keys('main', '4');
    await waitForScreen('main', (t) => t.includes('[4 Status]'), 'the Status pane');
    keys('main', '?');
    await waitForScreen('main', (t) => t.includes('Status keys'), 'the help overlay');
    keys('main', 'q');
    await waitForScreen('main', (t) => !t.includes('Global keys') && t.includes('[4 Status]'), 'help to close');

    keys('main', ':node 127.0.0.1', 'Enter');
    await waitForScreen('main', (t) => t.includes('nodes 127.0.0.1 '), 'the :node command to reach the header');
    keys('main', ':frobnicate', 'Enter');
    await waitForScreen('main', (t) => t.includes('error: unknown command ":frobnicate"'), 'the unknown-command error');

    // NO_COLOR: not one SGR sequence on the screen.
    expect(screen('main', true)).not.toMatch(/\u001B\[[0-9;]*m/);

    // q walks back first (Status was reached from Discovery with 4), then quits at the top.
    keys('main', 'q');
    await waitForScreen('main', (t) => t.includes('[1 Discovery]'), 'q to go back to Discovery');
    keys('main', 'q');
    const after = await waitForScreen('main', exited, 'the console to exit');
    expect(after).toContain('EXITED rc=0');
    expect(after).not.toContain('Discovery'); // the alternate screen is gone
    expect(modes('main')).toEqual({ altScreen: false, cursorVisible: true });
    expectCookedTerminal(after);
  });

  it('draws in colour without NO_COLOR', async () => {
    await startConsole('colour', '');
    await waitForScreen('colour', (t) => t.includes('1 Discovery'), 'the first frame');
    expect(screen('colour', true)).toMatch(/\u001B\[[0-9;]*m/);
    keys('colour', 'q');
    const after = await waitForScreen('colour', exited, 'the console to exit');
    expect(after).toContain('EXITED rc=0');
  });

  it('SIGTERM mid-session restores the terminal and exits 1', async () => {
    await startConsole('term', 'NO_COLOR=1');
    await waitForScreen('term', (t) => t.includes('[1 Discovery]'), 'the first frame');
    await waitForScreen('term', (t) => /cert \d+d/.test(t), 'the demo session');
    process.kill(childPid('term'), 'SIGTERM');
    const after = await waitForScreen('term', exited, 'the console to exit');
    expect(after).toContain('talos-tui: stopped by SIGTERM');
    expect(after).toContain('EXITED rc=1');
    expect(after).not.toContain('[1 Discovery]');
    expect(modes('term')).toEqual({ altScreen: false, cursorVisible: true });
    expectCookedTerminal(after);
  });
}, hasTmux ? null : 'tmux is not installed');
