// The Apply pane from a Discovery navigation (no network): the inventory entry's base and patches,
// resolved relative to the inventory file, render into the config shown; a patch that does not parse
// is named in one sentence; the action table offers dry-run/apply only when there is something to send.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { render, cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import ApplyPane from '../../src/features/apply/index.js';
import { staticAddressOf } from '../../src/ops/apply-inputs.js';
import { parseInventory, type InventoryNode } from '../../src/core/inventory.js';
import { diffLineTone } from '../../src/ui/DiffView.js';
import { followReboot, type FollowPhase } from '../../src/ops/follow-reboot.js';
import type { Action, PaneProps, ShellApi } from '../../src/ui/pane-types.js';
import { displayWidth } from '../../src/ui/text.js';
import { strip } from '../helpers/ink.js';

afterEach(() => cleanup());

function fakeShell() {
  let actions: readonly Action[] = [];
  const shell: ShellApi = {
    setActions: (a) => {
      actions = a;
    },
    setStatus: vi.fn(),
    announce: vi.fn(),
    navigate: vi.fn(),
    captureInput: vi.fn(),
    captureKeys: vi.fn(),
    getSelectedNodes: () => [],
    setSelectedNodes: vi.fn(),
    record: vi.fn(),
    setWork: vi.fn(),
    offerNodes: vi.fn(),
  };
  return { shell, enabled: () => actions.filter((a) => a.when?.() ?? true).map((a) => a.key) };
}

function inventoryDir(patch: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'apply-ui-'));
  mkdirSync(path.join(dir, 'talos'));
  mkdirSync(path.join(dir, 'patches'));
  writeFileSync(path.join(dir, 'talos', 'worker.yaml'), 'version: v1alpha1\nmachine:\n  type: worker\ncluster:\n  clusterName: c1\n');
  writeFileSync(path.join(dir, 'patches', 'w1.yaml'), patch);
  const inv = path.join(dir, 'inventory.yaml');
  writeFileSync(inv, 'configDir: ./talos\nnodes:\n  - name: w1\n    role: worker\n    patches: [patches/w1.yaml]\n');
  return inv;
}

const entry: InventoryNode = { name: 'w1', role: 'worker', macs: [], mac: null, address: null, ip: null, hostname: 'w1', installDisk: null, patches: ['patches/w1.yaml'] };
/** The inventory as Discovery hands it over: parsed (Apply never reads the file again). */
const parsed = (file: string) => parseInventory(readFileSync(file, 'utf8'), file);

describe('Apply pane', () => {
  it('renders the inventory entry of the node Discovery sent, paths relative to the inventory file', async () => {
    const inv = inventoryDir('machine:\n  network:\n    interfaces:\n      - interface: eth0\n        addresses: [10.9.0.7/24]\n');
    const { shell, enabled } = fakeShell();
    const props: PaneProps = { session: null, sessionProblem: 'no talosconfig at ~/.talos/config', width: 80, height: 18, active: true, shell, selectedNodes: [], demo: false };
    const r = render(<ApplyPane {...props} params={{ node: '127.0.0.2', port: 50000, inventoryEntry: entry, inventory: parsed(inv), insecure: true, certFingerprint: 'abc=' }} />);
    await vi.waitFor(() => expect(strip(r.lastFrame()!)).toContain('10.9.0.7/24'));
    const frame = strip(r.lastFrame()!);
    expect(frame).toContain('Node 127.0.0.2 (w1, worker) · maintenance, insecure, pinned');
    expect(frame).toContain('clusterName: c1');
    expect(frame).toContain('rendered config (1 patch)');
    for (const line of frame.split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(80);
    expect(enabled()).toEqual(expect.arrayContaining(['d', 'enter', 'm', 'n', 'f', 'p']));
    // No session: nothing that needs mTLS is offered.
    expect(enabled()).not.toContain('b');
    expect(enabled()).not.toContain('k');
  });

  it('asks for a base when Discovery sent a node without inventory entry, and stops asking once one is typed', async () => {
    const inv = inventoryDir('machine: {}\n');
    let field: ((key: { name: string; text: string }) => void) | null = null;
    let actions: readonly Action[] = [];
    const shell: ShellApi = {
      setActions: (a) => (actions = a),
      setStatus: vi.fn(),
      announce: vi.fn(),
      navigate: vi.fn(),
      captureInput: vi.fn(),
      captureKeys: (h) => (field = h as typeof field),
      getSelectedNodes: () => [],
      setSelectedNodes: vi.fn(),
      record: vi.fn(),
      setWork: vi.fn(),
      offerNodes: vi.fn(),
    };
    const props: PaneProps = { session: null, sessionProblem: null, width: 80, height: 18, active: true, shell, selectedNodes: [], demo: false };
    const r = render(<ApplyPane {...props} params={{ node: '127.0.0.2', port: 50000, inventoryEntry: null, insecure: true }} />);
    await vi.waitFor(() => expect(strip(r.lastFrame()!)).toContain('no inventory entry: press f'));
    await vi.waitFor(() => expect(actions.some((a) => a.key === 'f')).toBe(true));
    actions.find((a) => a.key === 'f')!.run();
    await vi.waitFor(() => expect(field).not.toBeNull());
    for (const ch of path.join(path.dirname(inv), 'talos', 'worker.yaml')) field!({ name: ch, text: ch });
    field!({ name: 'enter', text: '' });
    await vi.waitFor(() => expect(strip(r.lastFrame()!)).toContain('clusterName: c1'));
    expect(strip(r.lastFrame()!)).not.toContain('press f');
  });

  it("does not carry the previous node's base and patches over to a node Discovery sends without inventory entry", async () => {
    const inv = inventoryDir('machine:\n  network:\n    hostname: w1\n    interfaces:\n      - interface: eth0\n        addresses: [10.9.0.7/24]\n');
    const { shell, enabled } = fakeShell();
    const props: PaneProps = { session: null, sessionProblem: null, width: 80, height: 18, active: true, shell, selectedNodes: [], demo: false };
    const r = render(<ApplyPane {...props} params={{ node: '127.0.0.2', port: 50000, inventoryEntry: entry, inventory: parsed(inv), insecure: true }} />);
    await vi.waitFor(() => expect(strip(r.lastFrame()!)).toContain('10.9.0.7/24'));
    r.rerender(<ApplyPane {...props} params={{ node: '127.0.0.3', port: 50000, inventoryEntry: null, insecure: true }} />);
    await vi.waitFor(() => expect(strip(r.lastFrame()!)).toContain('Node 127.0.0.3 ·'));
    await vi.waitFor(() => expect(strip(r.lastFrame()!)).toContain('no inventory entry: press f'));
    const frame = strip(r.lastFrame()!);
    expect(frame).not.toContain('10.9.0.7');
    expect(frame).not.toContain('w1.yaml');
    expect(frame).toContain('Mode auto · base - · patches none');
    expect(enabled()).not.toContain('enter');
  });

  it('follows a node to a new address only after it went away: an address that already answers is someone else', async () => {
    const phases: [FollowPhase, string][] = [];
    let reachableCalls = 0;
    const c = new AbortController();
    const result = await followReboot({
      from: '127.0.0.2',
      to: '127.0.0.9',
      timeoutMs: 5000,
      intervalMs: 1,
      signal: c.signal,
      // The old address stays up for three polls (the node installs), then goes away.
      reachable: async () => ++reachableCalls <= 3,
      // Another machine already holds 127.0.0.9: it answers from the start.
      answers: async () => 'v1.13.9',
      onPhase: (p, d) => phases.push([p, d]),
    });
    expect(result).toBe('up');
    expect(reachableCalls).toBeGreaterThanOrEqual(4);
    const iRebooting = phases.findIndex(([p]) => p === 'rebooting');
    const iUp = phases.findIndex(([p]) => p === 'up');
    expect(iRebooting).toBeGreaterThanOrEqual(0);
    expect(iUp).toBeGreaterThan(iRebooting);
    expect(phases.some(([, d]) => /127\.0\.0\.9 already answers before 127\.0\.0\.2 rebooted/.test(d))).toBe(true);
  });

  it('names the patch that cannot be read and offers no dry run or apply', async () => {
    const inv = inventoryDir('machine: [unclosed\n');
    const { shell, enabled } = fakeShell();
    const props: PaneProps = { session: null, sessionProblem: null, width: 80, height: 18, active: true, shell, selectedNodes: [], demo: false };
    const r = render(<ApplyPane {...props} params={{ node: '127.0.0.3', port: 50001, inventoryEntry: entry, inventory: parsed(inv), insecure: true }} />);
    await vi.waitFor(() => expect(strip(r.lastFrame()!).replace(/\s*\n\s*/g, ' ')).toMatch(/cannot render ── .*w1\.yaml/));
    const flat = strip(r.lastFrame()!).replace(/\s*\n\s*/g, ' ');
    expect(flat).toContain('Node 127.0.0.3:50001');
    expect(flat).toMatch(/w1\.yaml/);
    expect(enabled()).not.toContain('d');
    expect(enabled()).not.toContain('enter');
  });

  it('without a node it says how to get one', () => {
    const { shell } = fakeShell();
    const r = render(<ApplyPane session={null} sessionProblem={null} width={80} height={18} active shell={shell} selectedNodes={[]} demo={false} />);
    expect(strip(r.lastFrame()!)).toContain('Node: none. Press n to type one, or send one from Discovery (1).');
  });

  it('finds the static address the node will answer at', () => {
    expect(staticAddressOf('machine:\n  network:\n    interfaces:\n      - interface: eth0\n        addresses: [10.0.0.11/24]\n')).toBe('10.0.0.11');
    expect(staticAddressOf('machine:\n  type: worker\n')).toBeNull();
  });

  it('colours the dry-run diff through the shared DiffView: hunk headers accent, removed red, added green, file headers dim', () => {
    expect(['+  hostname: w1', '-  hostname: old', '+++ b', '--- a', '@@ -1,3 +1,3 @@', ' context'].map(diffLineTone)).toEqual(['ok', 'error', 'dim', 'dim', 'accent', undefined]);
  });

  it('puts the mode before the paths, so a long path cannot push it off an 80-column line', async () => {
    const { shell } = fakeShell();
    const props: PaneProps = { session: null, sessionProblem: null, width: 80, height: 18, active: true, shell, selectedNodes: [], demo: false };
    const long = '/very/long/path/to/a/cluster/configuration/directory/with/many/levels';
    const inv = inventoryDir('machine: {}\n');
    const r = render(<ApplyPane {...props} params={{ node: '127.0.0.2', port: 50000, inventoryEntry: { ...entry, patches: [`${long}/patch-a.yaml`, `${long}/patch-b.yaml`] }, inventory: parsed(inv), insecure: true }} />);
    await vi.waitFor(() => expect(strip(r.lastFrame()!)).toContain('Mode auto · base '));
  });
});
