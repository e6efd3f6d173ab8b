// The Discovery pane inside the real shell (ink-testing-library, 80x24), scanning a tiny simulator
// on a free loopback /24: keys go through the shell's action table and the pane's text fields, the
// progress line and rows appear, the inventory matches, copy and Apply hand the node on, Esc cancels.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import net from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Text } from 'ink';
import { cleanup, render } from 'ink-testing-library';
import { Shell } from '../../src/ui/shell/Shell.js';
import { panes as realPanes } from '../../src/features/registry.js';
import type { PaneDefinition, PaneProps } from '../../src/ui/pane-types.js';
import type { TalosSession } from '../../src/talos/session.js';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';
import { DiscoveryView } from '../../src/features/discovery/index.js';
import { DiscoverySource } from '../../src/features/discovery/source.js';
import { screen, tick } from '../helpers/ink.js';
import { freeLoopback24 } from '../helpers/loopback.js';
import { untilText } from '../helpers/until.js';

// Free loopback /24s (test/helpers/loopback.ts): two runs side by side never collide. `length` keeps
// addresses as wide as the columns and messages below expect.
const NET = await freeLoopback24({ length: 9 });
const NET_RE = NET.replaceAll('.', '\\.');

const ESC = '\u001B';
const ENTER = '\r';
const DOWN = '\u001B[B';

const dir = mkdtempSync(join(tmpdir(), 'talos-tui-discovery-pane-'));
let sim: SimCluster;
let silent: net.Server;

beforeAll(async () => {
  sim = await startSimCluster({ configured: 0, maintenance: 2, listen: `${NET}.1`, onePortPerNode: false });
  // Accepts and never speaks: its identification waits for the deadline, so the scan stays running.
  silent = net.createServer((s) => s.on('error', () => {}).resume());
  await new Promise<void>((r) => silent.listen(50000, `${NET}.150`, r));
});

afterAll(async () => {
  await sim?.stop();
  silent?.close();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => cleanup());

function fakeSession(endpoint = `${NET}.11:50000`): TalosSession {
  const info = { contextName: 'sim', endpoints: [endpoint], activeEndpoint: endpoint, nodes: [], roles: ['os:admin'], certNotAfter: null };
  return { info, subscribe: () => () => {}, close: () => {} } as unknown as TalosSession;
}

let applyParams: unknown = null;
function ApplyProbe({ params }: PaneProps) {
  applyParams = params ?? null;
  return <Text>apply pane</Text>;
}

function mount(opts: { demo?: boolean; session?: TalosSession | null } = {}) {
  const source = new DiscoverySource({ identifyTimeoutMs: 3000, maxPerSecond: 30 });
  const clipboard = vi.fn<(text: string) => void>();
  const panes: PaneDefinition[] = realPanes.map((p) => ({
    ...p,
    Component:
      p.id === 'discovery'
        ? (props: PaneProps) => <DiscoveryView {...props} source={source} writeClipboard={clipboard} />
        : p.id === 'apply'
          ? ApplyProbe
          : () => <Text>{p.title}</Text>,
  }));
  const shell = (session: TalosSession | null) => <Shell panes={panes} session={session} demo={opts.demo} size={{ columns: 80, rows: 24 }} onQuit={() => {}} />;
  const r = render(shell(opts.session === undefined ? fakeSession() : opts.session));
  const { frame, press } = screen(r);
  const until = (test: string | RegExp, timeout = 4000) => untilText(frame, test, { timeout });
  const type = async (text: string) => {
    for (const ch of text) r.stdin.write(ch);
    await tick();
  };
  return { ...r, panes, source, clipboard, frame, until, press, type, setSession: (session: TalosSession | null) => r.rerender(shell(session)) };
}

describe('Discovery pane', () => {
  it('scans, shows the progress bar and rows, matches the inventory, copies and opens Apply; fits 80x24', async () => {
    const s = mount();
    await s.until('s scan'); // the pane's action table reached the hint bar
    expect(s.frame()).toContain('targets: none. Press s');

    await s.press('s');
    await s.until(/^typing: /m); // the shell shows that the pane holds captureInput
    await s.type(`${NET}.96/28`); // .97-.110: both maintenance nodes
    await s.press(ENTER);
    await s.until(/done\s+\[█+\] 14\/14 · found 2/);
    await s.until(`${NET}.102`);
    const rows = s.frame().split('\n').filter((l) => new RegExp(String.raw`${NET_RE}\.10[12]\s+maintenance\s+v1\.13\.9`).test(l));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain(sim.node('m1')!.macs[0]);
    expect(s.frame()).toContain('2 maintenance · 0 configured · 0 other');

    // Inventory: m2 by an upper-case MAC, plus one machine that is not there.
    const inv = join(dir, 'inv.yaml');
    writeFileSync(inv, `configDir: talos\nnodes:\n  - { name: w7, role: worker, mac: "${sim.node('m2')!.macs[0].toUpperCase()}", patches: [patches/w7.yaml] }\n  - { name: ghost, role: worker, mac: "02:54:00:00:ee:51" }\n`);
    await s.press('i');
    await s.until('inventory file:');
    await s.type(inv);
    await s.press(ENTER);
    await s.until('matched 1 · missing 1 (ghost) · unknown 1 · ambiguous 0');
    expect(s.frame()).toMatch(new RegExp(String.raw`${NET_RE}\.102\s+maintenance.*w7`));
    expect(s.frame()).toMatch(new RegExp(String.raw`${NET_RE}\.101\s+maintenance.*unknown`));

    // Every line fits the terminal, and the whole screen is at most 24 rows.
    const lines = s.frame().split('\n');
    expect(lines.length).toBeLessThanOrEqual(24);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);

    await s.press(DOWN, 'c');
    await vi.waitFor(() => expect(s.clipboard).toHaveBeenCalledTimes(1));
    const cmd = s.clipboard.mock.calls[0][0];
    expect(cmd).toMatch(new RegExp(`^talosctl apply-config --insecure --nodes ${NET_RE}\\.102 --file \\S*talos/worker\\.yaml --config-patch @\\S*patches/w7\\.yaml --cert-fingerprint ${sim.node('m2')!.leafFingerprint.replace(/[+/=]/g, '\\$&')}$`));
    await s.until(`copied: talosctl apply-config --insecure --nodes ${NET}.102`);

    await s.press(ENTER); // details
    await s.until(/LINK\s+MAC\s+STATE/);
    expect(s.frame()).toMatch(/inventory: w7 \(worker\) matched by MAC/);
    expect(s.frame()).toMatch(/DISK\s+SIZE\s+TYPE\s+MODEL/);
    expect(s.frame()).toMatch(/sr0\s+310M\s+CD\s+QEMU DVD-ROM/);
    await s.press(ESC);
    await s.until(/IP\s+STATE\s+VER\s+MAC\s+INVENTORY/);

    await s.press('a');
    await s.until('apply pane');
    expect(applyParams).toMatchObject({ node: `${NET}.102`, port: 50000, insecure: true, inventoryEntry: { name: 'w7', role: 'worker' }, certFingerprint: sim.node('m2')!.leafFingerprint });
    // The inventory travels parsed (where the entry's paths start, its configDir): Apply reads no file again.
    expect(applyParams).toMatchObject({ inventoryEntry: { patches: ['patches/w7.yaml'] }, inventory: { source: inv, configDir: 'talos', secrets: null } });
  });

  it('Esc cancels a running scan and keeps what was found', async () => {
    const s = mount();
    await s.until('s scan');
    await s.press('s');
    await s.type(`${NET}.100-102,${NET}.150`);
    await s.press(ENTER);
    await s.until('identifying 1'); // the silent port holds the scan open
    // A port still being identified is not counted as "other" (it may well be Talos).
    await s.until('2 maintenance · 0 configured · 0 other · identifying 1');
    expect(s.frame()).toContain('Esc cancel');
    const started = Date.now();
    await s.press(ESC);
    await s.until(/cancelled\s+\[/, 1000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(s.source.store.getSnapshot().phase).toBe('cancelled');
    expect(s.frame()).toMatch(new RegExp(String.raw`${NET_RE}\.101\s+maintenance`));
    expect(s.frame()).toMatch(new RegExp(String.raw`${NET_RE}\.102\s+maintenance`));
    // The silent port was never identified: it has no facts to show, so it is dropped.
    expect(s.source.store.getSnapshot().rows.map((r) => r.ip)).toEqual([`${NET}.101`, `${NET}.102`]);
    expect(s.frame()).toContain('Discovery'); // Esc cancelled; it did not navigate away
  });

  it('demo mode offers the simulator\'s /24 even when its session arrives after the pane mounted', async () => {
    const s = mount({ demo: true, session: null });
    await s.until('targets: none');
    s.setSession(fakeSession());
    await s.until(`targets: ${NET}.0/24 (press s, then Enter, to scan)`);
  });

  it('an error is shown once, in the pane, not again in the status bar', async () => {
    const s = mount({ session: null });
    await s.until('s scan');
    await s.press('s');
    await s.press(ENTER);
    await s.until('no scan target given');
    expect(s.frame().split('no scan target given').length - 1).toBe(1);
  });

  it('a bad target says why and scans nothing; demo mode offers the simulator\'s /24', async () => {
    const s = mount({ demo: true });
    await s.until(`targets: ${NET}.0/24 (press s, then Enter, to scan)`);
    await s.press('s');
    await s.press(...Array.from({ length: 20 }, () => '\u007f')); // backspace the prefilled /24
    await s.type(`${NET}.0/33`);
    await s.press(ENTER);
    await s.until(`${NET}.0/33: prefix length must be 0-32`);
    expect(s.source.store.getSnapshot()).toMatchObject({ phase: 'idle', scans: 0, rows: [] });

    // A burst in one tick (tmux send-keys, a paste): no key is lost, and the Enter that submits
    // does not also reach the shell as "details".
    s.stdin.write('s');
    s.stdin.write('\u0015'); // ctrl+u clears the field
    s.stdin.write(`${NET}.101`);
    s.stdin.write(ENTER);
    await s.until(/done\s+\[█+\] 1\/1 · found 1/);
    await s.until(new RegExp(String.raw`${NET_RE}\.101\s+maintenance`));
    expect(s.frame()).not.toContain('LINK');

    // The same burst arriving as ONE chunk: ctrl+u still clears, nothing of it ends up in the target.
    s.stdin.write('s');
    s.stdin.write(`\u0015${NET}.102\r`);
    await s.until(new RegExp(String.raw`targets: ${NET_RE}\.102 \(1 host in 1 range\)`));
    await s.until(/done\s+\[█+\] 1\/1 · found 1/);

    // The opening key and Enter in one chunk (tmux send-keys s Enter): the prefilled targets
    // are scanned as they are, the "s" is not typed into them.
    s.stdin.write('s\r');
    await vi.waitFor(() => expect(s.source.store.getSnapshot()).toMatchObject({ phase: 'done', targets: `${NET}.102`, error: null, scans: 3 }), { timeout: 4000 });

    // More than a /16 needs --force, in the pane as on the command line; with it the scan starts.
    await s.press('s', '\u0015');
    await s.type('127.0.0.0/15');
    await s.press(ENTER);
    await s.until('127.0.0.0/15: 131070 hosts is more than the limit');
    expect(s.source.store.getSnapshot().scans).toBe(3);
    expect(s.source.scan('127.0.0.0/15 --force')).toBe(true);
    await s.until('127.0.0.0/15 --force (131070 hosts in 1 range)');
    expect(s.source.store.getSnapshot()).toMatchObject({ phase: 'running', scans: 4, error: null });
    s.source.cancel();
  });

  it('the key that opens the targets field, ^U, the targets and Enter in ONE chunk scan those targets', async () => {
    const s = mount({ demo: true }); // prefilled with the demo /24: ^U must clear it
    await s.until(`targets: ${NET}.0/24 (press s, then Enter, to scan)`);
    s.stdin.write(`s\u0015${NET}.101\r`);
    await s.until(new RegExp(String.raw`${NET_RE}\.101\s+maintenance`));
    expect(s.source.store.getSnapshot()).toMatchObject({ targets: `${NET}.101`, scans: 1, error: null });
    expect(s.frame()).not.toContain('LINK'); // the Enter was the field's, not "details"
    // The inventory field the same way: opened, cleared, typed and submitted in one chunk (a missing file).
    s.stdin.write('i\u0015nope.yaml\r');
    await s.until('nope.yaml');
    expect(s.frame()).not.toMatch(/^inventory file: /m);
  });

  it(':ctx (a new session) keeps the scan results and hands the new session to the source', async () => {
    const s = mount();
    await s.until('targets: none');
    s.stdin.write(`s${NET}.101\r`);
    await s.until(new RegExp(String.raw`${NET_RE}\.101\s+maintenance`));
    const setSession = vi.spyOn(s.source, 'setSession');
    const next = fakeSession(`${NET}.12:50000`);
    s.rerender(<Shell panes={s.panes} session={next} size={{ columns: 80, rows: 24 }} onQuit={() => {}} />);
    await vi.waitFor(() => expect(setSession).toHaveBeenCalledWith(next));
    await tick();
    expect(s.frame()).toMatch(new RegExp(String.raw`${NET_RE}\.101\s+maintenance`));
    expect(s.frame()).toContain(`targets: ${NET}.101`);
    expect(s.source.store.getSnapshot()).toMatchObject({ targets: `${NET}.101`, scans: 1 });
  });
});
