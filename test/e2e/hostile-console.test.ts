// The console in a real terminal (tmux with the clipboard enabled: set-clipboard on) against a
// hostile node: its service health message carries an OSC 52 clipboard write, an OSC 0 title, an
// OSC 8 link, a screen clear and a CR. The Status pane shows the words; nothing reaches tmux's paste
// buffers (where OSC 52 lands), the pane title stays, and the raw bytes the console wrote (captured
// with pipe-pane) hold none of those sequences.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimCluster } from '../../src/sim/index.js';
import { startSimOnFreeLoopback } from '../helpers/loopback.js';
import { hasTmux, tmuxServer } from './tmux.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const entry = `${root}/dist/talos-tui.js`;
const HOSTILE = '\x1b]52;c;cm0gLXJmIH4K\x07\x1b]0;pwned-title\x07probe-failed\x1b[2J\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\\r';

const { tmux, keys, waitForScreen, kill } = tmuxServer(`talos-tui-hostile-e2e-${process.pid}`, 20_000);
let sim: SimCluster;
let dir: string;

describe.skipIf(!hasTmux)('console against a hostile node (tmux, clipboard on)', () => {
  beforeAll(async () => {
    if (!existsSync(entry)) throw new Error('dist/talos-tui.js is missing: run `npm run build` (npm test does)');
    sim = await startSimOnFreeLoopback({ configured: 1, maintenance: 0, logLinesPerSecond: 0 });
    sim.node('cp1')!.setServiceHealth('kubelet', false, HOSTILE);
    dir = mkdtempSync(join(tmpdir(), 'hostile-console-'));
    writeFileSync(join(dir, 'talosconfig'), sim.talosconfigText, { mode: 0o600 });
  });

  afterAll(async () => {
    kill();
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('Status shows the message as text; no clipboard write, no title change, no escape in the output', async () => {
    const raw = join(dir, 'raw-output');
    tmux('new-session', '-d', '-s', 'h', '-x', '160', '-y', '40', 'sh', '-c', `sleep 600`);
    tmux('set-option', '-g', 'set-clipboard', 'on');
    tmux('set-option', '-g', 'allow-rename', 'on');
    tmux('respawn-pane', '-k', '-t', 'h', 'sh', '-c', `cd ${root} && env NO_COLOR=1 node dist/talos-tui.js --talosconfig ${join(dir, 'talosconfig')}; sleep 600`);
    tmux('pipe-pane', '-o', '-t', 'h', `cat >> ${raw}`);
    const titleBefore = tmux('display-message', '-p', '-t', 'h', '#{pane_title}').trim();
    await waitForScreen('h', (t) => /cert \d+d/.test(t), 'the console');
    keys('h', '4');
    const screen = await waitForScreen('h', (t) => t.includes('probe-failed'), 'the hostile health message in Status');
    expect(screen).toContain('probe-failedlink');
    // What OSC 52 would have done with set-clipboard on: a paste buffer holding the payload.
    expect(tmux('list-buffers').trim()).toBe('');
    expect(tmux('display-message', '-p', '-t', 'h', '#{pane_title}').trim()).toBe(titleBefore);
    expect(titleBefore).not.toContain('pwned');
    const bytes = readFileSync(raw, 'latin1');
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes).not.toContain('\x1b]52');
    expect(bytes).not.toContain('pwned-title');
    expect(bytes).not.toContain('\x1b]8;');
    expect(bytes).not.toContain('evil.example');
    keys('h', 'q');
  });
});
