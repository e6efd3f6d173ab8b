// The built talos-tui's code caches for its packs (scripts/build.mjs, src/cli/packs.ts and
// code-cache.ts), in a real terminal: the main and frame packs' written after the console's first
// frame and the rest pack's when it quits, to $XDG_CACHE_HOME/talos-tui; a headless command keeps its
// own beside them; a corrupt one is replaced, and a cache directory that cannot be created changes
// nothing the user sees. Each run also opens lazily loaded panes (in the rest pack): they must share
// the frame pack's one React (hooks of a second copy would throw on the first render).
// The demo binds its simulated nodes on 127.0.0.0/8 only.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { exited, hasTmux, reportingScript, tmuxServer } from './tmux.js';
import { freeSimListen } from '../helpers/loopback.js';
import { describeBuilt, repoRoot } from '../helpers/built.js';
import { openCache } from '../../src/cli/code-cache.js';

const { tmux, keys, waitForScreen, kill } = tmuxServer(`talos-tui-e2e-cache-${process.pid}`);

/** Runs the console with XDG_CACHE_HOME=cacheHome, opens Status and Logs, quits; returns the screen at the end. */
async function session(name: string, cacheHome: string): Promise<string> {
  const listen = await freeSimListen({ length: 9 });
  const script = reportingScript(`cd ${repoRoot} && env CI=true NO_COLOR=1 TALOS_TUI_DEMO_LISTEN=${listen} XDG_CACHE_HOME=${cacheHome} node dist/talos-tui.js --demo 2>&1`);
  tmux('new-session', '-d', '-s', name, '-x', '100', '-y', '30', 'sh', '-c', script);
  await waitForScreen(name, (t) => t.includes('[1 Discovery]') && /ctx demo/.test(t), 'the first frame and the demo session');
  keys(name, '4');
  await waitForScreen(name, (t) => t.includes('[4 Status]') && /SERVICE\s+STATE/.test(t), 'the Status pane with its services');
  keys(name, '5');
  await waitForScreen(name, (t) => t.includes('[5 Logs]'), 'the Logs pane');
  keys(name, ':quit', 'Enter');
  return waitForScreen(name, exited, 'the console to exit');
}

const cacheFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.v8cache')) : []);
const intact = (file: string) => openCache(readFileSync(file)) !== undefined;

describeBuilt('the built console\'s code cache (tmux)', () => {
  afterAll(() => kill());

  it('is written after the first frame, replaced when corrupt, and an unwritable cache directory changes nothing', async () => {
    const home = mkdtempSync(join(tmpdir(), 'talos-tui-cache-'));
    const dir = join(home, 'talos-tui');

    expect(await session('first', home)).toContain('EXITED rc=0');
    const files = cacheFiles(dir).sort();
    const name = `-[0-9a-f]{32}-${process.version.replace(/\./g, '\\.')}-${process.arch}\\.v8cache$`;
    expect(files.map((f) => f.replace(new RegExp(name), ''))).toEqual(['console-frame', 'console-main', 'console-rest']);
    for (const file of files) {
      expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
      expect(intact(join(dir, file))).toBe(true);
    }
    const [frame, , rest] = files as [string, string, string];
    // The rest pack's cache holds what the session compiled (Status, Logs, grpc-js, the simulator).
    expect(statSync(join(dir, rest)).size).toBeGreaterThan(statSync(join(dir, frame)).size);

    // A headless command compiles other parts of the packs: it keeps its own caches, and reads no frame pack.
    execFileSync('node', [join(repoRoot, 'dist/talos-tui.js'), 'gen', 'secrets', '-o', join(home, 'secrets.yaml')], { env: { ...process.env, XDG_CACHE_HOME: home } });
    expect(cacheFiles(dir).map((f) => f.replace(new RegExp(name), '')).sort()).toEqual(['cli-gen-rest', 'cli-main', 'console-frame', 'console-main', 'console-rest']);

    // Corrupt the frame pack's payload: the next start runs without it and writes a good one in its place.
    const path = join(dir, frame);
    const raw = readFileSync(path);
    raw.fill(0x5a, 64, 4096);
    writeFileSync(path, raw);
    expect(intact(path)).toBe(false);
    expect(await session('corrupt', home)).toContain('EXITED rc=0');
    expect(cacheFiles(dir).filter((f) => f.startsWith('console-')).sort()).toEqual(files);
    expect(intact(path)).toBe(true);

    // A cache home under a regular file (as unwritable as a read-only home, even for root).
    const blocked = join(home, 'not-a-directory');
    writeFileSync(blocked, '');
    const screen = await session('unwritable', blocked);
    expect(screen).toContain('EXITED rc=0');
    expect(screen).not.toMatch(/error|cache/i);
  });
}, hasTmux ? null : 'tmux is not installed');
