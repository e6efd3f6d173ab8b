// What survives a reconnect: the overlap rule for reopened service logs, the kernel ring replay filter,
// and the pure pieces of the Logs pane (picker, status rows) at 80 columns.
import { describe, expect, it } from 'vitest';
import { alignResumedTail, KmsgReplayFilter, kmsgKey, RecentLines } from '../../src/core/logs/resync.js';
import { parseSelector, selectorLabel } from '../../src/core/logs/selector.js';
import { addTyped, moveCursor, pick, toggleAtCursor, type PickerState } from '../../src/features/logs/picker-model.js';
import { modeLine, sourcesLine } from '../../src/features/logs/status-line.js';
import { LogModel } from '../../src/core/logs/log-model.js';
import type { StreamInfo } from '../../src/features/logs/source.js';

const text = (segments: { text: string }[]) => segments.map((s) => s.text).join('');

describe('alignResumedTail', () => {
  it('drops the part of a reopened tail that overlaps what was shown (short gap)', () => {
    const seen = ['l1', 'l2', 'l3', 'l4', 'l5'];
    // Asked for 4 lines: the last 3 seen, then 1 written during the gap... and one after.
    expect(alignResumedTail(seen, ['l3', 'l4', 'l5', 'g1', 'n1'], 4)).toEqual({ fresh: ['g1', 'n1'], outcome: 'complete' });
  });

  it('finds what was seen inside a tail that reaches further back than the first open did', () => {
    // First open asked tail 1: only "l5" was shown. The reopen asks 200 and gets the whole log.
    expect(alignResumedTail(['l5'], ['l1', 'l2', 'l3', 'l4', 'l5', 'g1'], 200)).toEqual({ fresh: ['g1'], outcome: 'complete' });
  });

  it('shows a repeated line twice rather than hiding a new one', () => {
    // "tick" was seen last; the reopened tail holds an older "tick" too: the earliest match wins.
    expect(alignResumedTail(['a', 'tick'], ['a', 'tick', 'b', 'tick'], 10).fresh).toEqual(['b', 'tick']);
  });

  it('no overlap and a full tail: lines may be missing; a short tail: the log started over', () => {
    expect(alignResumedTail(['x', 'y'], ['p', 'q', 'r'], 3)).toEqual({ fresh: ['p', 'q', 'r'], outcome: 'maybe-missing' });
    expect(alignResumedTail(['x', 'y'], ['boot 1', 'boot 2'], 200)).toEqual({ fresh: ['boot 1', 'boot 2'], outcome: 'restarted' });
  });

  it('keeps the last lines delivered, whatever the batch sizes', () => {
    const r = new RecentLines(3);
    r.push(['a', 'b']);
    r.push(['c', 'd']);
    expect(r.all).toEqual(['b', 'c', 'd']);
    r.push(['1', '2', '3', '4', '5']);
    expect(r.all).toEqual(['3', '4', '5']);
    for (let i = 0; i < 10; i++) r.push([`n${i}`]);
    expect(r.all).toEqual(['n7', 'n8', 'n9']);
  });
});

describe('kernel ring replay', () => {
  const rec = (ts: string, msg: string) => `kern:    info: [${ts}]: ${msg}`;

  it('orders records by their nanosecond timestamps', () => {
    const a = kmsgKey(rec('2024-05-01T10:00:00.123456789Z', 'a'))!;
    const b = kmsgKey(rec('2024-05-01T10:00:00.12345679Z', 'b'))!; // trailing zero trimmed: ...790 ns
    expect(a[0]).toBe(b[0]);
    expect(b[1]).toBeGreaterThan(a[1]);
    expect(kmsgKey(' SUBSYSTEM=acpi')).toBeNull();
  });

  it('drops the replayed records already shown, with their continuation lines, then lets everything through', () => {
    const last = kmsgKey(rec('2024-05-01T10:00:02Z', 'two'))!;
    const f = new KmsgReplayFilter(last);
    const kept = f.filter([
      rec('2024-05-01T10:00:01Z', 'one'),
      ' SUBSYSTEM=old',
      rec('2024-05-01T10:00:02Z', 'two'),
      rec('2024-05-01T10:00:03Z', 'three'),
      ' SUBSYSTEM=new',
      rec('2024-05-01T10:00:02.5Z', 'late but after the boundary'),
    ]);
    expect(kept).toEqual([rec('2024-05-01T10:00:03Z', 'three'), ' SUBSYSTEM=new', rec('2024-05-01T10:00:02.5Z', 'late but after the boundary')]);
    expect(f.overlap).toBe(true);
  });

  it('a ring that starts after the last record shown (new boot) does not overlap', () => {
    const f = new KmsgReplayFilter(kmsgKey(rec('2024-05-01T10:00:02Z', 'old boot'))!);
    expect(f.filter([rec('2024-05-01T10:05:00Z', 'Linux version')])).toHaveLength(1);
    expect(f.overlap).toBe(false);
  });
});

describe('selectors', () => {
  it('reads what the operator types', () => {
    expect(parseSelector('dmesg')).toEqual({ kind: 'dmesg' });
    expect(parseSelector(' kubelet ')).toEqual({ kind: 'service', id: 'kubelet' });
    expect(parseSelector('kube-system/kube-proxy-x:kube-proxy:abc')).toEqual({ kind: 'container', id: 'kube-system/kube-proxy-x:kube-proxy:abc' });
    expect(parseSelector('k8s:abc')).toEqual({ kind: 'container', id: 'abc' });
    expect(parseSelector('  ')).toBeNull();
    expect(selectorLabel({ kind: 'container', id: 'kube-system/kube-proxy-x:kube-proxy:abc' })).toBe('kube-proxy');
  });
});

describe('source picker', () => {
  const base: PickerState = {
    nodes: ['n1', 'n2'],
    entries: [
      { selector: { kind: 'dmesg' }, name: 'dmesg', note: '' },
      { selector: { kind: 'service', id: 'kubelet' }, name: 'kubelet', note: '' },
    ],
    checkedNodes: new Set(['n1', 'n2']),
    checkedSources: new Set(),
    cursor: 0,
  };

  it('enter opens the log under the cursor on the checked nodes', () => {
    let s = toggleAtCursor(base); // uncheck n1
    s = moveCursor(s, 3); // n2 -> dmesg -> kubelet
    expect(pick(s)).toEqual({ ok: true, nodes: ['n2'], selectors: [{ kind: 'service', id: 'kubelet' }] });
  });

  it('checked logs win over the cursor; no node or no log is refused', () => {
    let s = moveCursor(base, 2);
    s = toggleAtCursor(s); // check dmesg
    s = moveCursor(s, 1);
    s = toggleAtCursor(s); // check kubelet
    expect(pick(s)).toMatchObject({ ok: true, selectors: [{ kind: 'dmesg' }, { kind: 'service', id: 'kubelet' }] });
    expect(pick({ ...s, checkedNodes: new Set() })).toEqual({ ok: false, reason: 'no-node' });
    expect(pick(base)).toEqual({ ok: false, reason: 'no-source' });
    expect(pick(moveCursor(base, 10))).toEqual({ ok: false, reason: 'typed' });
  });

  it('a typed container id joins the list checked', () => {
    const s = addTyped(base, { kind: 'container', id: 'ns/pod:c:1' });
    expect(s.entries.at(-1)).toMatchObject({ name: 'ns/pod:c:1', note: 'k8s container' });
    expect(pick(s)).toMatchObject({ ok: true, selectors: [{ kind: 'container', id: 'ns/pod:c:1' }] });
  });
});

describe('status rows at 80 columns', () => {
  const stream = (node: string, state: StreamInfo['state'], label = 'kubelet'): StreamInfo => ({ id: `${node}/${label}`, node, label, state, detail: '' });

  it('names each stream and its state in words when they fit, else counts them', () => {
    expect(text(sourcesLine([stream('10.0.0.11', 'live'), stream('10.0.0.12', 'rebooting')], 80))).toBe('kubelet: 10.0.0.11 live · 10.0.0.12 rebooting');
    const many = Array.from({ length: 8 }, (_, i) => stream(`10.0.0.${10 + i}`, i === 3 ? 'gap' : 'live'));
    const line = text(sourcesLine(many, 80));
    expect(line).toBe('kubelet on 8 nodes: 7 live, 1 gap');
    expect(line.length).toBeLessThanOrEqual(80);
    // Follows waiting for a free call on full connections are counted as such, not as connecting.
    const waiting = Array.from({ length: 700 }, (_, i) => stream(`10.0.${i >> 8}.${i & 255}`, i < 640 ? 'live' : 'queued', 'dmesg'));
    expect(text(sourcesLine(waiting, 80))).toBe('dmesg on 700 nodes: 640 live, 60 queued');
  });

  it('says paused with the count of new lines, the filter, and the toggles', () => {
    const m = new LogModel({ tailLines: 100 });
    m.addSource({ id: 'a', node: 'n', label: 'kubelet', format: 'service' });
    m.pushLines('a', Array.from({ length: 50 }, (_, i) => `line ${i}`));
    m.setViewport(10, 80);
    m.pause();
    m.pushLines('a', ['new 1', 'new 2']);
    m.setFilter({ text: 'line|new', regex: true, invert: false });
    const line = text(modeLine(m.snapshot(10, 80), 80));
    expect(line).toBe('PAUSED · 2 new lines │ filter /line|new/i │ wrap off · ts on · 52 of 52 lines');
    expect(text(modeLine(m.snapshot(10, 80), 120))).toBe('PAUSED · 2 new lines │ filter /line|new/i │ wrap off · ts on · tail 100 · 52 of 52 lines');
    expect(line.length).toBeLessThanOrEqual(80);
  });

  it('counts the lines the filter shows out of the whole buffer ("81 of 5,000 lines"), the buffer alone without one', () => {
    const m = new LogModel({ tailLines: 100 });
    m.addSource({ id: 'a', node: 'n', label: 'kubelet', format: 'service' });
    m.pushLines('a', Array.from({ length: 5000 }, (_, i) => (i % 62 === 0 ? `error ${i}` : `fine ${i}`)));
    m.setViewport(10, 80);
    expect(text(modeLine(m.snapshot(10, 80), 80))).toBe('FOLLOWING │ wrap off · ts on · tail 100 · 5,000 lines');
    m.setFilter({ text: 'error', regex: false, invert: false });
    const filtered = text(modeLine(m.snapshot(10, 80), 80));
    expect(filtered).toMatch(/ · 81 of 5,000 lines$/);
    expect(filtered.length).toBeLessThanOrEqual(80);
    // New lines move both numbers, and so do evictions; clearing the filter shows the buffer count alone again.
    const small = new LogModel({ tailLines: 100, capacityPerSource: 10 });
    small.addSource({ id: 'a', node: 'n', label: 'kubelet', format: 'service' });
    small.pushLines('a', ['error 1', 'fine', 'error 2']);
    small.setFilter({ text: 'error', regex: false, invert: false });
    expect(text(modeLine(small.snapshot(10, 80), 80))).toMatch(/ · 2 of 3 lines$/);
    small.pushLines('a', Array.from({ length: 8 }, (_, i) => `fine ${i}`)); // "error 1" is evicted
    expect(text(modeLine(small.snapshot(10, 80), 80))).toMatch(/ · 1 of 10 lines$/);
    small.setFilter({ text: '', regex: false, invert: false });
    expect(text(modeLine(small.snapshot(10, 80), 80))).toMatch(/ · 10 lines$/);
  });
});
