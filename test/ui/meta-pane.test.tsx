// The META pane without a network: open a file -> problems listed with their paths; the file fixed on
// disk -> "valid" without a key press; export -> INSTALLER_META_BASE64 decodes back to the file; the
// template never overwrites; the line diff (src/core/meta/diff.ts).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { render, cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import MetaPane, { MetaPaneView } from '../../src/features/meta/index.js';
import { MetaController } from '../../src/features/meta/controller.js';
import { until } from '../helpers/until.js';
import { META_TEMPLATE } from '../../src/features/meta/template.js';
import { decodeInstallerMeta, encodeProblem, errorsOf, formatDiff, hasChanges, lineDiff, parseMetaNetworkConfig, renderMetaNetworkConfig } from '../../src/core/meta/index.js';
import type { Action, KeyHandler, PaneProps, ShellApi } from '../../src/ui/pane-types.js';
import { displayWidth } from '../../src/ui/text.js';
import { strip, tick } from '../helpers/ink.js';

afterEach(() => cleanup());

const VALID = ['addresses:', '  - address: 192.0.2.10/24', '    linkName: eth0', '    family: inet4', '    layer: platform', 'hostnames:', '  - hostname: n1', '    layer: platform', ''].join('\n');
const INVALID = ['addresses:', '  - address: 192.0.2.10', '    linkName: eth0', '    layer: platform', 'links:', '  - name: bond0', '    kind: bond', '    bondMaster:', '      mode: active_backup', '    layer: platform', ''].join('\n');

function fakeShell() {
  let actions: readonly Action[] = [];
  let field: KeyHandler | null = null;
  const shell: ShellApi = {
    setActions: (a) => (actions = a),
    setStatus: vi.fn(),
    announce: vi.fn(),
    navigate: vi.fn(),
    captureInput: vi.fn(),
    captureKeys: (h) => (field = h),
    getSelectedNodes: () => [],
    setSelectedNodes: vi.fn(),
    record: vi.fn(),
    setWork: vi.fn(),
    offerNodes: vi.fn(),
  };
  const enabled = () => actions.filter((a) => a.when?.() ?? true).map((a) => a.key);
  const run = (key: string) => {
    const a = actions.find((x) => x.key === key && (x.when?.() ?? true));
    if (!a) throw new Error(`action ${key} is not enabled (${enabled().join(' ')})`);
    a.run();
  };
  const type = (text: string) => {
    for (const ch of text) field!({ name: ch, text: ch });
  };
  const enter = () => field!({ name: 'enter', text: '' });
  const clear = () => field!({ name: 'ctrl+u', text: '' });
  return { shell, enabled, run, type, enter, clear };
}

const tmp = () => mkdtempSync(path.join(tmpdir(), 'meta-ui-'));

function mount(width = 80, height = 20, controller?: MetaController) {
  const s = fakeShell();
  const props: PaneProps = { session: null, sessionProblem: 'no talosconfig at ~/.talos/config', width, height, active: true, shell: s.shell, selectedNodes: [], demo: false };
  const r = render(controller ? <MetaPaneView {...props} controller={controller} /> : <MetaPane {...props} params={{ pollMs: 100 }} />);
  const frame = () => strip(r.lastFrame() ?? '');
  const flat = () => frame().replace(/\s*\n\s*/g, ' ');
  return { ...s, r, frame, flat };
}

async function open(m: ReturnType<typeof mount>, file: string) {
  await vi.waitFor(() => expect(m.enabled()).toContain('o'));
  m.run('o');
  m.clear();
  m.type(file);
  m.enter();
}

describe('META pane', () => {
  it('lists problems with their paths, then re-validates to "valid" when the file is fixed on disk', async () => {
    const file = path.join(tmp(), 'net.yaml');
    writeFileSync(file, INVALID);
    const m = mount();
    expect(m.flat()).toContain('Press o to open a META document file (default ./meta-network.yaml)');
    await open(m, file);
    await vi.waitFor(() => expect(m.flat()).toContain('INVALID'));
    const flat = m.flat();
    expect(flat).toContain('error: addresses[0].address:');
    expect(flat).toContain('error: links[0].bondMaster.mode:');
    expect(flat).toMatch(/4 error\(s\), 3 warning\(s\)/);
    for (const line of m.frame().split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(80);
    expect(m.enabled()).not.toContain('b');
    expect(m.enabled()).not.toContain('w');

    writeFileSync(file, VALID);
    await vi.waitFor(() => expect(m.flat()).toContain('· valid'), { timeout: 3000 });
    expect(m.flat()).toContain('valid, 1 warning(s) · canonical preview');
    expect(m.flat()).toContain('hostname: n1');
    expect(m.flat()).not.toContain('error:');
    expect(m.enabled()).toContain('b');
    // No session and no node: nothing that talks to a node.
    expect(m.enabled()).not.toContain('w');
    expect(m.enabled()).not.toContain('g');
  });

  it('wraps a long problem at word boundaries, so the value it names is never cut in two', async () => {
    const file = path.join(tmp(), 'net.yaml');
    writeFileSync(file, VALID.replace('192.0.2.10/24', '192.0.2.300/24'));
    const m = mount();
    await open(m, file);
    await vi.waitFor(() => expect(m.flat()).toContain('INVALID'));
    const lines = m.frame().split('\n').map((l) => l.trim());
    // Every piece of the sentence is whole: the bad address appears intact on one line.
    expect(lines.some((l) => l.includes('"192.0.2.300/24"'))).toBe(true);
    expect(lines.some((l) => l.includes('"192.0.2.300"'))).toBe(true);
    for (const line of m.frame().split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(80);
  });

  it('a message about the old file (the template written) gives way to "changed" when the file changes on disk', async () => {
    const file = path.join(tmp(), 'meta-network.yaml');
    const controller = new MetaController({ pollMs: 100 });
    const m = mount(80, 20, controller);
    await open(m, file);
    await vi.waitFor(() => expect(m.enabled()).toContain('t'));
    m.run('t');
    await vi.waitFor(() => expect(m.flat()).toContain('template written to'));
    // Two more reads of the file by the watch (an event, not a guess at timing): neither calls the
    // template a change, and the state they left, once on screen, still carries the message.
    const reads = controller.reads;
    await until(() => controller.reads >= reads + 2, 'two more polls of the file');
    expect(controller.current.note?.text).toMatch(/^template written to/);
    await until(() => controller.store.getSnapshot() === controller.current, 'the state after the polls published');
    await tick();
    expect(m.flat()).toContain('template written to');
    writeFileSync(file, VALID);
    await vi.waitFor(() => expect(m.flat()).toContain('changed: checked again'), { timeout: 3000 });
    expect(m.flat()).not.toContain('template written to');
  });

  it('export shows INSTALLER_META_BASE64 that decodes back to the document (canonical, comment-free: a smaller QR code), the kernel argument and the imager flag', async () => {
    const file = path.join(tmp(), 'net.yaml');
    writeFileSync(file, VALID);
    const m = mount(400, 80);
    await open(m, file);
    await vi.waitFor(() => expect(m.flat()).toContain('· valid'));
    m.run('b');
    await vi.waitFor(() => expect(m.frame()).toContain('INSTALLER_META_BASE64='));
    const line = m.frame().split('\n').find((l) => l.includes('INSTALLER_META_BASE64=') && !l.includes('talos.environment'))!;
    const b64 = /INSTALLER_META_BASE64=([A-Za-z0-9+/=]+)/.exec(line)![1]!;
    expect(decodeInstallerMeta(b64, (d) => gunzipSync(d))).toEqual([{ key: 0x0a, value: renderMetaNetworkConfig(parseMetaNetworkConfig(VALID).config!) }]);
    expect(m.frame()).toContain(`talos.environment=INSTALLER_META_BASE64=${b64}`);
    expect(m.frame()).toContain("--meta '0xa=addresses:");
    // A tall pane shows the QR code of the kernel argument.
    await vi.waitFor(() => expect(m.frame()).toContain('# QR code of the kernel argument:'));
    expect(m.frame()).toMatch(/[▄▀█]/);
    // The route shown can be saved and copied (OSC 52).
    expect(m.enabled()).toEqual(expect.arrayContaining(['s', 'c']));
    m.run('c');
    await vi.waitFor(() => expect(m.flat()).toMatch(/copied the kernel argument \(\d+ bytes\) to the clipboard \(OSC 52\)/));
  });

  it('at 80x24 the QR code does not fit: it says so and keeps the text, wrapped whole', async () => {
    const file = path.join(tmp(), 'net.yaml');
    writeFileSync(file, VALID);
    const m = mount(80, 20);
    await open(m, file);
    await vi.waitFor(() => expect(m.flat()).toContain('· valid'));
    m.run('b');
    await vi.waitFor(() => expect(m.flat()).toMatch(/the QR code of the kernel argument needs \d+ rows/), { timeout: 3000 });
    // The sizes it names are the pane's real ones (the body scrolls; nothing is "left over" below zero).
    expect(m.flat()).toMatch(/the pane shows [1-9]\d* x [1-9]\d*:/);
    for (const line of m.frame().split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(80);
    expect(m.frame().split('\n').length).toBeLessThanOrEqual(20);
    expect(m.frame()).toContain('INSTALLER_META_BASE64=');
  });

  it('t writes a valid commented template where there is no file, and refuses to overwrite one', async () => {
    const dir = tmp();
    const file = path.join(dir, 'meta-network.yaml');
    const m = mount();
    await open(m, file);
    await vi.waitFor(() => expect(m.flat()).toContain('The file does not exist: press t to write a commented template there'));
    m.run('t');
    await vi.waitFor(() => expect(m.flat()).toContain('template written to'));
    expect(readFileSync(file, 'utf8')).toBe(META_TEMPLATE);
    await vi.waitFor(() => expect(m.flat()).toContain('· valid'));
    expect(m.enabled()).not.toContain('t');

    // An existing file is never overwritten.
    const other = path.join(dir, 'mine.yaml');
    writeFileSync(other, 'hostnames: []\n');
    const m2 = mount();
    await open(m2, path.join(dir, 'gone.yaml'));
    await vi.waitFor(() => expect(m2.enabled()).toContain('t'));
    writeFileSync(path.join(dir, 'gone.yaml'), 'mine\n'); // appears before t is pressed
    m2.run('t');
    await vi.waitFor(() => expect(m2.flat()).toContain('exists: the template does not overwrite it'));
    expect(readFileSync(path.join(dir, 'gone.yaml'), 'utf8')).toBe('mine\n');
    expect(existsSync(other)).toBe(true);
  });

  it('the template covers every section, validates without errors and can travel at boot', () => {
    const p = parseMetaNetworkConfig(META_TEMPLATE);
    expect(p.config).not.toBeNull();
    expect(errorsOf(p.problems)).toEqual([]);
    expect(encodeProblem(META_TEMPLATE)).toBeNull();
    for (const k of ['addresses:', 'links:', 'kind: bond', 'kind: vlan', 'routes:', 'hostnames:', 'resolvers:', 'timeServers:', 'layer: platform']) expect(META_TEMPLATE).toContain(k);
  });
});

describe('lineDiff', () => {
  it('marks removed and added lines, keeps common ones', () => {
    const d = lineDiff('a\nb\nc\n', 'a\nx\nc\nd\n');
    expect(formatDiff(d)).toEqual(['  a', '- b', '+ x', '  c', '+ d']);
    expect(hasChanges(d)).toBe(true);
  });
  it('equal texts and empty sides', () => {
    expect(hasChanges(lineDiff('a\nb\n', 'a\nb'))).toBe(false);
    expect(formatDiff(lineDiff('', 'a\n'))).toEqual(['+ a']);
    expect(formatDiff(lineDiff('a\n', ''))).toEqual(['- a']);
    expect(lineDiff('', '')).toEqual([]);
  });
});
