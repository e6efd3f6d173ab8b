// The shell's pure parts: command parsing, header fitting, hint fitting and the state reducer.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { certificateProblem, certSegment, headerSegments, type HeaderInput } from '../../src/ui/shell/header-model.js';
import { helpLines, hintRows, hintSegments } from '../../src/ui/shell/hints.js';
import { completeCommand, eraseWord, parseShellCommand } from '../../src/ui/shell/commands.js';
import { messageLines } from '../../src/ui/shell/Overlays.js';
import { initialShellState, shellReducer, statusLifetimeMs } from '../../src/ui/shell/shell-state.js';
import { statusLines } from '../../src/ui/shell/status-lines.js';
import { displayWidth } from '../../src/ui/text.js';

const NOW = new Date('2026-03-01T00:00:00Z');
const text = (segs: { text: string }[]) => segs.map((s) => s.text).join('');

describe('parseShellCommand', () => {
  it('maps pane words, with or without the colon', () => {
    expect(parseShellCommand(':discover')).toEqual({ kind: 'pane', pane: 'discovery' });
    expect(parseShellCommand('status')).toEqual({ kind: 'pane', pane: 'status' });
    expect(parseShellCommand(' :LOGS ')).toEqual({ kind: 'pane', pane: 'logs' });
  });
  it('parses :node lists (commas or spaces, duplicates dropped) and rejects bad addresses', () => {
    expect(parseShellCommand(':node 10.0.0.1,10.0.0.2 10.0.0.1')).toEqual({ kind: 'node', nodes: ['10.0.0.1', '10.0.0.2'] });
    expect(parseShellCommand(':node cp1.example.com')).toEqual({ kind: 'node', nodes: ['cp1.example.com'] });
    expect(parseShellCommand(':node fd00::1')).toEqual({ kind: 'node', nodes: ['fd00::1'] });
    expect(parseShellCommand(':node 10.0.0.256')).toMatchObject({ kind: 'error', message: expect.stringContaining('10.0.0.256') });
    expect(parseShellCommand(':node')).toMatchObject({ kind: 'error' });
  });
  it(':ctx takes exactly one name', () => {
    expect(parseShellCommand(':ctx prod')).toEqual({ kind: 'ctx', name: 'prod' });
    expect(parseShellCommand(':ctx')).toMatchObject({ kind: 'error' });
    expect(parseShellCommand(':ctx a b')).toMatchObject({ kind: 'error' });
  });
  it('names an unknown command in one sentence', () => {
    const r = parseShellCommand(':reboot-all');
    expect(r).toMatchObject({ kind: 'error', message: expect.stringMatching(/^unknown command ":reboot-all"/) });
  });
});

describe('header', () => {
  const base = (over: Partial<HeaderInput> = {}): HeaderInput => ({
    info: { contextName: 'prod', endpoints: ['10.0.0.15:50000'], nodes: [], roles: ['os:admin'], certNotAfter: new Date(NOW.getTime() + 90 * 86_400_000), activeEndpoint: null },
    selectedNodes: ['10.0.0.11'],
    demo: false,
    now: NOW,
    width: 80,
    ...over,
  });

  it('counts cert days down and turns red under 30, EXPIRED after', () => {
    const day = 86_400_000;
    expect(certSegment(new Date(NOW.getTime() + 30 * day), NOW)).toEqual({ text: 'cert 30d', tone: 'ok' });
    expect(certSegment(new Date(NOW.getTime() + 29.5 * day), NOW)).toEqual({ text: 'cert 29d', tone: 'error' });
    expect(certSegment(new Date(NOW.getTime() - 1), NOW)).toEqual({ text: 'cert EXPIRED', tone: 'error' });
    expect(certSegment(null, NOW)).toBeNull();
  });

  it('never exceeds the width, and keeps role and expiry from 60 columns up, whatever the names', () => {
    const name = fc.string({ minLength: 1, maxLength: 60 });
    const ip = fc.ipV4();
    fc.assert(
      fc.property(fc.integer({ min: 20, max: 200 }), name, name, fc.array(ip, { maxLength: 8 }), fc.boolean(), (width, ctx, ep, nodes, demo) => {
        const segs = headerSegments(base({ width, demo, selectedNodes: nodes, info: { ...base().info!, contextName: ctx, activeEndpoint: ep } }));
        expect(displayWidth(text(segs))).toBeLessThanOrEqual(width);
        if (width >= 60) expect(text(segs)).toMatch(/(os:)?admin │ cert 90d$/);
      }),
    );
  });

  it('drops the default port and compacts long node lists before cutting anything', () => {
    const t = text(headerSegments(base({ selectedNodes: ['10.0.0.11', '10.0.0.12', '10.0.0.13', '10.0.0.14'] })));
    expect(t).toContain('ep 10.0.0.15 │');
    expect(t).toContain('nodes 10.0.0.11 +3');
    expect(t).not.toContain('…');
  });
});

describe('hint bar', () => {
  it('fits any width, always ends with the global keys, and says how many keys it left to ?', () => {
    const actions = Array.from({ length: 12 }, (_, i) => ({ key: String.fromCharCode(97 + i), label: `action-${i}`, run: () => {} }));
    for (const width of [60, 80, 120]) {
      const t = text(hintSegments(actions, false, width));
      expect(displayWidth(t)).toBeLessThanOrEqual(width);
      expect(t).toMatch(/\? help {2}: cmd {2}q quit$/);
      expect(t).toContain('a action-0');
      const left = Number(/\+(\d+) more in \?/.exec(t)?.[1]);
      // Every key is either shown or counted: none is dropped silently.
      expect(actions.filter((a) => t.includes(`${a.key} ${a.label}`)).length + left).toBe(actions.length);
    }
  });

  it('wraps onto a second row before leaving anything out, and shows every key at 120 columns in two rows', () => {
    const actions = Array.from({ length: 12 }, (_, i) => ({ key: String.fromCharCode(97 + i), label: `action-${i}`, run: () => {} }));
    const rows = hintRows(actions, false, 120).map(text);
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(displayWidth(r)).toBeLessThanOrEqual(120);
    const all = rows.join(' ');
    for (const a of actions) expect(all).toContain(`${a.key} ${a.label}`);
    expect(all).not.toContain('more in ?');
    expect(rows[1]).toMatch(/\? help {2}: cmd {2}q quit$/);
    // Few keys: one row, as before.
    expect(hintRows(actions.slice(0, 3), true, 80)).toHaveLength(1);
  });
});

describe('? help', () => {
  it('wraps a long help under its key at 80 columns instead of cutting it, and marks unavailable keys', () => {
    const help = 'copy the selected node\'s `talosctl apply-config --insecure` line to the clipboard (OSC 52), or show it when the terminal cannot';
    const lines = helpLines('Discovery', [{ key: 'c', label: 'copy', help, when: () => false, run: () => {} }], 5, false, 80).map((l) => l.text);
    for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(80);
    const start = lines.findIndex((l) => l.startsWith('  c '));
    const rows = [lines[start]!];
    for (let i = start + 1; lines[i]!.startsWith(' '.repeat(16)); i++) rows.push(lines[i]!);
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.join(' ').replace(/\s+/g, ' ').trim()).toBe(`c ${help} (not available now)`);
    expect(lines.join('\n')).not.toContain('…');
  });
});

describe('shell state', () => {
  it('number keys and navigate both push history (k9s style); back pops; overlays close first', () => {
    let s = initialShellState('discovery');
    s = shellReducer(s, { type: 'switch', pane: 'status' });
    expect(s.history).toEqual(['discovery']);
    s = shellReducer(s, { type: 'back' });
    expect(s).toMatchObject({ pane: 'discovery', history: [] });
    s = shellReducer(s, { type: 'switch', pane: 'status' });
    s = shellReducer(s, { type: 'switch', pane: 'status' });
    expect(s.history).toEqual(['discovery']);
    s = { ...s, history: [] };
    s = shellReducer(s, { type: 'navigate', pane: 'logs', params: { service: 'etcd' } });
    expect(s).toMatchObject({ pane: 'logs', history: ['status'], params: { logs: { service: 'etcd' } } });
    expect(s.mounted).toEqual(['discovery', 'status', 'logs']);
    s = shellReducer(s, { type: 'open', overlay: 'help' });
    s = shellReducer(s, { type: 'back' });
    expect(s).toMatchObject({ pane: 'logs', overlay: 'none' });
    s = shellReducer(s, { type: 'back' });
    expect(s).toMatchObject({ pane: 'status', history: [] });
    expect(shellReducer(s, { type: 'back' })).toBe(s);
  });
});

describe('status rows', () => {
  it('keep a short message on one row, wrap a long one by words, split a word wider than the row, and cut after three rows', () => {
    expect(statusLines('scan done', 80)).toEqual(['scan done']);
    const copied = 'copied: talosctl apply-config --insecure --nodes 127.0.250.101 --file talos/worker.yaml --config-patch @patches/w1.yaml --cert-fingerprint zBtyPnTnc0o3oW//d4vUNPxZVsT1OEYvF59niT2L8Fg=';
    const rows = statusLines(copied, 80);
    expect(rows.length).toBe(3);
    for (const r of rows) expect(r.length).toBeLessThanOrEqual(80);
    expect(rows.join(' ')).toBe(copied);
    expect(statusLines('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
    const long = statusLines(Array.from({ length: 60 }, (_, i) => `word${i}`).join(' '), 30);
    expect(long).toHaveLength(3);
    expect(long[2]!.endsWith('…')).toBe(true);
    for (const r of long) expect(r.length).toBeLessThanOrEqual(30);
  });
});

describe('certificate problem', () => {
  it('names file and context when the client certificate has expired, and says nothing while it is valid', () => {
    const ctx = { source: '/tmp/a1/talosconfig', contextName: 'sim' };
    expect(certificateProblem({ ...ctx, notAfter: new Date('2027-01-01T00:00:00Z') }, NOW)).toBeNull();
    expect(certificateProblem({ ...ctx, notAfter: null }, NOW)).toBeNull();
    expect(certificateProblem({ ...ctx, notAfter: new Date('2021-01-01T00:00:00Z') }, NOW)).toBe(
      'talosconfig /tmp/a1/talosconfig, context "sim": the client certificate expired on 2021-01-01, so nodes will refuse every call; get a fresh talosconfig (talosctl config new)',
    );
  });
});

describe('status lifetime', () => {
  it('lets reports fade and keeps problems', () => {
    expect(statusLifetimeMs('ok')).toBeGreaterThan(0);
    expect(statusLifetimeMs('info')).toBeGreaterThan(0);
    expect(statusLifetimeMs('warn')).toBeNull();
    expect(statusLifetimeMs('error')).toBeNull();
  });

  it('expires only the message whose timer ran out, never a newer one', () => {
    let s = shellReducer(initialShellState('discovery'), { type: 'status', text: 'wrote 81 lines', tone: 'ok' });
    const first = s.status!;
    s = shellReducer(s, { type: 'status', text: 'scan done', tone: 'ok' });
    expect(shellReducer(s, { type: 'status-expired', status: first }).status?.text).toBe('scan done');
    expect(shellReducer(s, { type: 'status-expired', status: s.status! }).status).toBeNull();
  });
});

describe('the : line (item 6)', () => {
  const sources = { contexts: ['prod-1', 'prod-2', 'staging'], nodes: ['10.0.0.11', '10.0.0.12', '10.5.0.1'] };
  it('completes command words, pane names, contexts and node addresses; lists an ambiguous Tab', () => {
    expect(completeCommand('st', sources)).toEqual({ line: 'status ', candidates: [] });
    expect(completeCommand('disc', sources)).toEqual({ line: 'discover', candidates: ['discover', 'discovery'] });
    expect(completeCommand('ctx s', sources)).toEqual({ line: 'ctx staging', candidates: [] });
    expect(completeCommand('ctx pr', sources)).toEqual({ line: 'ctx prod-', candidates: ['prod-1', 'prod-2'] });
    expect(completeCommand('node 10.5', sources).line).toBe('node 10.5.0.1');
    // The last of a comma list, never one already typed.
    expect(completeCommand('node 10.0.0.11,10.0', sources)).toEqual({ line: 'node 10.0.0.11,10.0.0.12', candidates: [] });
    expect(completeCommand('logs x', sources)).toEqual({ line: 'logs x', candidates: [] });
  });
  it('Ctrl+W erases the last word, history recalls with up/down and ends on an empty line', () => {
    expect(eraseWord('node 10.0.0.11 ')).toBe('node ');
    expect(eraseWord('node')).toBe('');
    let s = initialShellState('discovery');
    for (const c of ['status', 'node 10.0.0.11', 'node 10.0.0.11']) s = shellReducer(s, { type: 'command-ran', text: c });
    expect(s.commandHistory).toEqual(['status', 'node 10.0.0.11']);
    s = shellReducer(s, { type: 'open', overlay: 'command' });
    s = shellReducer(s, { type: 'recall', delta: -1 });
    expect(s.command).toBe('node 10.0.0.11');
    s = shellReducer(s, { type: 'recall', delta: -1 });
    s = shellReducer(s, { type: 'recall', delta: -1 });
    expect(s.command).toBe('status');
    s = shellReducer(s, { type: 'recall', delta: 1 });
    s = shellReducer(s, { type: 'recall', delta: 1 });
    expect(s).toMatchObject({ command: '', historyAt: null });
    expect(parseShellCommand('messages')).toEqual({ kind: 'messages' });
  });
});

describe('messages log (item 3)', () => {
  it('keeps every status and recorded message in full, the same one twice once, the newest last, bounded', () => {
    let s = initialShellState('discovery');
    const long = `inventory ./inventory.yaml: node "cp1" has role "contolplane": did you mean "controlplane"? ${'x'.repeat(200)}`;
    s = shellReducer(s, { type: 'status', text: long, tone: 'error' });
    s = shellReducer(s, { type: 'status', text: '' });
    s = shellReducer(s, { type: 'record', text: 'dry run answered', tone: 'ok' });
    s = shellReducer(s, { type: 'record', text: 'dry run answered', tone: 'ok' });
    expect(s.messages.map((m) => m.text)).toEqual([long, 'dry run answered']);
    const lines = messageLines(s.messages, 80).map((l) => l.text);
    for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(80);
    expect(lines.join(' ').replace(/\s+/g, ' ')).toContain('did you mean "controlplane"?');
    expect(lines.join('')).toContain('x'.repeat(60));
    expect(lines.join('\n')).not.toContain('…');
    for (let i = 0; i < 80; i++) s = shellReducer(s, { type: 'record', text: `m${i}` });
    expect(s.messages).toHaveLength(50);
    expect(s.messages.at(-1)!.text).toBe('m79');
  });
});

describe('the status row points to :messages when it must cut (item 3)', () => {
  it('wraps to three rows and ends the third with (:messages) when the message is longer', async () => {
    const { statusRows } = await import('../../src/ui/shell/StatusBar.js');
    const long = `YAML error at line 12, column 7: ${'mapping values are not allowed here '.repeat(8)}END`;
    const rows = statusRows({ text: long, tone: 'error' }, 80);
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(displayWidth(r)).toBeLessThanOrEqual(80);
    expect(rows[2]).toMatch(/… \(:messages\)$/);
    expect(statusRows({ text: 'short', tone: 'info' }, 80)).toEqual(['short']);
  });
});
