// End to end in a real terminal: tmux runs the BUILT package (`node dist/talos-tui.js --demo`) in an
// 80x24 pane; we type with send-keys and read the screen with capture-pane. Checks what only a real
// terminal shows: the first frame, keys through a pty, NO_COLOR, and that quitting (q, or SIGTERM)
// leaves the terminal in cooked mode with the alternate screen gone.
// The demo binds its simulated nodes on 127.0.0.0/8 only.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const entry = `${root}/dist/talos-tui.js`;
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
if (!hasTmux) console.warn('e2e skipped: tmux is not installed (CI installs it: see .ci/run)');

// A private tmux server (own socket, no user config): never touches the user's sessions.
const socket = `talos-tui-e2e-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });

/** Plain text of the pane (or with escape sequences, to look for colour). */
const screen = (target: string, escapes = false) => tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', target);

async function waitForScreen(target: string, test: (text: string) => boolean, what: string, timeoutMs = 10_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < until) {
    text = screen(target);
    if (test(text)) return text;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}; the screen was:\n${text}`);
}

const keys = (target: string, ...k: string[]) => tmux('send-keys', '-t', target, ...k);

/**
 * A session whose shell runs the console, then reports the exit code and the terminal mode, so the
 * test can see what the user's shell would get back. CI=true on purpose: that is how CI runs us.
 */
let nextListen = 201;

function startConsole(name: string, env: string): void {
  // Each console's simulated nodes on their own loopback /24, clear of other tests' simulators.
  const listen = `127.0.${nextListen++}.1`;
  const script = `cd ${root} && env CI=true TALOS_TUI_DEMO_LISTEN=${listen} ${env} node dist/talos-tui.js --demo; echo "EXITED rc=$?"; stty -a; sleep 600`;
  tmux('new-session', '-d', '-s', name, '-x', '80', '-y', '24', 'sh', '-c', script);
}

/** The pid of the console: the only child of the pane's shell. */
function consolePid(name: string): number {
  const shellPid = tmux('list-panes', '-t', name, '-F', '#{pane_pid}').trim();
  const children = readFileSync(`/proc/${shellPid}/task/${shellPid}/children`, 'utf8').trim().split(/\s+/);
  expect(children).toHaveLength(1);
  return Number(children[0]);
}

/** The console has exited and the shell has printed `stty -a` (which includes [-]icanon) after it. */
const exited = (t: string) => t.includes('EXITED rc=') && /icanon/.test(t);

/** tmux's view of the terminal modes: alternate screen on? cursor visible? */
function modes(target: string): { altScreen: boolean; cursorVisible: boolean } {
  const [alt, cursor] = tmux('display-message', '-p', '-t', target, '#{alternate_on} #{cursor_flag}').trim().split(' ');
  return { altScreen: alt === '1', cursorVisible: cursor === '1' };
}

/** `stty -a` shows "-icanon" / "-echo" when a program left the terminal in raw mode. */
function expectCookedTerminal(text: string): void {
  const flat = text.replace(/\n/g, ' ');
  expect(flat).toMatch(/(^|\s)icanon(\s|$)/);
  expect(flat).toMatch(/(^|\s)echo(\s|$)/);
  expect(flat).not.toMatch(/-icanon|(\s)-echo(\s)/);
}

describe.skipIf(!hasTmux)('talos-tui --demo in tmux (80x24)', () => {
  beforeAll(() => {
    if (!existsSync(entry)) throw new Error('dist/talos-tui.js is missing: run `npm run build` (npm test does)');
  });
  afterAll(() => {
    try {
      tmux('kill-server');
    } catch {
      // no server left
    }
  });

  it('draws the shell, switches panes, shows help, runs : commands, and q restores the terminal', async () => {
    startConsole('main', 'NO_COLOR=1');
    const first = await waitForScreen('main', (t) => t.includes('[1 Discovery]') && t.includes('DEMO'), 'the first frame');
    // Every row fits 80 columns (tmux would wrap a longer one onto the next row).
    for (const row of first.split('\n')) expect([...row].length).toBeLessThanOrEqual(80);
    // The simulated cluster's session reaches the header: context and cert expiry.
    await waitForScreen('main', (t) => /ctx demo/.test(t) && /cert \d+d/.test(t) && t.includes('ep 127.0.201.11'), 'the demo session in the header');
    expect(modes('main')).toEqual({ altScreen: true, cursorVisible: false });

    keys('main', '4');
    await waitForScreen('main', (t) => t.includes('[4 Status]'), 'the Status pane');
    keys('main', '?');
    await waitForScreen('main', (t) => t.includes('Global keys') && t.includes('Status keys'), 'the help overlay');
    keys('main', 'q');
    await waitForScreen('main', (t) => !t.includes('Global keys') && t.includes('[4 Status]'), 'help to close');

    keys('main', ':node 127.0.0.1', 'Enter');
    await waitForScreen('main', (t) => t.includes('nodes 127.0.0.1 '), 'the :node command to reach the header');
    keys('main', ':frobnicate', 'Enter');
    await waitForScreen('main', (t) => t.includes('error: unknown command ":frobnicate"'), 'the unknown-command error');

    // NO_COLOR: not one SGR sequence on the screen.
    expect(screen('main', true)).not.toMatch(/\u001B\[[0-9;]*m/);

    keys('main', 'q');
    const after = await waitForScreen('main', exited, 'the console to exit');
    expect(after).toContain('EXITED rc=0');
    expect(after).not.toContain('Discovery'); // the alternate screen is gone
    expect(modes('main')).toEqual({ altScreen: false, cursorVisible: true });
    expectCookedTerminal(after);
  });

  it('draws in colour without NO_COLOR', async () => {
    startConsole('colour', '');
    await waitForScreen('colour', (t) => t.includes('1 Discovery'), 'the first frame');
    expect(screen('colour', true)).toMatch(/\u001B\[[0-9;]*m/);
    keys('colour', 'q');
    await waitForScreen('colour', (t) => t.includes('EXITED rc=0'), 'the console to exit');
  });

  it('SIGTERM mid-session restores the terminal and exits 1', async () => {
    startConsole('term', 'NO_COLOR=1');
    await waitForScreen('term', (t) => t.includes('[1 Discovery]'), 'the first frame');
    await waitForScreen('term', (t) => /cert \d+d/.test(t), 'the demo session');
    process.kill(consolePid('term'), 'SIGTERM');
    const after = await waitForScreen('term', exited, 'the console to exit');
    expect(after).toContain('talos-tui: stopped by SIGTERM');
    expect(after).toContain('EXITED rc=1');
    expect(after).not.toContain('[1 Discovery]');
    expect(modes('term')).toEqual({ altScreen: false, cursorVisible: true });
    expectCookedTerminal(after);
  });
});
