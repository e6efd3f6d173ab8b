import { describe, expect, it } from 'vitest';
import { LogModel } from '../../src/core/logs/log-model.js';

const enc = new TextEncoder();

function modelWith(lines: string[], opts: ConstructorParameters<typeof LogModel>[0] = {}) {
  const m = new LogModel(opts);
  m.addSource({ id: 'n1/kubelet', node: 'n1', label: 'kubelet', format: 'service' });
  m.pushLines('n1/kubelet', lines);
  return m;
}
const texts = (m: LogModel, h: number, w = 80) => m.visibleLines(h, w).map((r) => r.text);
const numbered = (n: number) => Array.from({ length: n }, (_, i) => `l${i}`);

describe('LogModel follow / pause', () => {
  it('follows the newest lines, prefixed by node', () => {
    const m = modelWith(numbered(10));
    const rows = m.visibleLines(3, 80);
    expect(rows.map((r) => r.text)).toEqual(['l7', 'l8', 'l9']);
    expect(rows[0]!.prefix).toBe('n1: ');
    m.pushLines('n1/kubelet', ['l10']);
    expect(texts(m, 3)).toEqual(['l8', 'l9', 'l10']);
  });

  it('pause freezes the view while lines keep arriving, and counts them', () => {
    const m = modelWith(numbered(10));
    m.visibleLines(3, 80);
    m.pause();
    m.pushLines('n1/kubelet', ['new1', 'new2']);
    expect(texts(m, 3)).toEqual(['l7', 'l8', 'l9']);
    expect(m.snapshot(3, 80)).toMatchObject({ following: false, newLines: 2 });
    m.resume();
    expect(texts(m, 3)).toEqual(['l9', 'new1', 'new2']);
    expect(m.snapshot(3, 80).newLines).toBe(0);
  });

  it('a paused view survives eviction of the lines it shows', () => {
    const m = modelWith(numbered(5), { capacityPerSource: 5 });
    m.visibleLines(3, 80);
    m.pause();
    m.pushLines('n1/kubelet', numbered(20).map((s) => `x${s}`));
    const rows = texts(m, 3);
    expect(rows).toHaveLength(3);
    expect(rows.every((t) => t.startsWith('x'))).toBe(true);
  });
});

describe('LogModel scrolling', () => {
  it('scrolls by rows, clamps at the top, and bottom resumes following', () => {
    const m = modelWith(numbered(10));
    m.visibleLines(3, 80);
    m.scrollUp(2);
    expect(m.following).toBe(false);
    expect(texts(m, 3)).toEqual(['l5', 'l6', 'l7']);
    m.scrollDown(1);
    expect(texts(m, 3)).toEqual(['l6', 'l7', 'l8']);
    m.scrollToTop();
    expect(texts(m, 3)).toEqual(['l0', 'l1', 'l2']);
    expect(m.snapshot(3, 80).atTop).toBe(true);
    m.scrollUp(5);
    expect(texts(m, 3)).toEqual(['l0', 'l1', 'l2']);
    m.scrollDown(1); // one row down from the top, not five (the clamp did not store excess)
    expect(texts(m, 3)).toEqual(['l1', 'l2', 'l3']);
    m.pageDown();
    expect(texts(m, 3)).toEqual(['l3', 'l4', 'l5']);
    m.scrollToBottom();
    expect(m.following).toBe(true);
    expect(texts(m, 3)).toEqual(['l7', 'l8', 'l9']);
  });

  it('with fewer lines than rows, shows them all from the top', () => {
    const m = modelWith(['a', 'b']);
    expect(texts(m, 5)).toEqual(['a', 'b']);
    m.scrollUp(3);
    expect(texts(m, 5)).toEqual(['a', 'b']);
  });
});

describe('LogModel wrap and timestamps', () => {
  const long = 'abcdefghij'.repeat(3); // 30 columns

  it('wrap on splits a long line into rows under the prefix; off truncates it to one row', () => {
    const m = modelWith(['short', long]);
    // width 14 - prefix "n1: " (4) = 10 columns of text
    m.setWrap(true);
    const wrapped = m.visibleLines(10, 14);
    expect(wrapped.map((r) => r.prefix + r.text)).toEqual(['n1: short', 'n1: abcdefghij', '    abcdefghij', '    abcdefghij']);
    expect(wrapped.slice(2).every((r) => r.continuation)).toBe(true);
    m.setWrap(false);
    expect(m.visibleLines(10, 14).map((r) => r.prefix + r.text)).toEqual(['n1: short', 'n1: abcdefghij']);
  });

  it('draws every row of wrapped lines above the bottom one', () => {
    const m = modelWith([long, long, 'last'], { wrap: true });
    expect(texts(m, 4, 14)).toEqual(['abcdefghij', 'abcdefghij', 'abcdefghij', 'last']);
    expect(m.visibleLines(4, 14).map((r) => r.continuation)).toEqual([false, true, true, false]);
  });

  it('scrolls through the rows of a wrapped line', () => {
    const m = modelWith(['first', long], { wrap: true });
    m.visibleLines(2, 14);
    m.scrollUp(1);
    expect(texts(m, 2, 14)).toEqual(['abcdefghij', 'abcdefghij']);
    m.scrollUp(1);
    expect(texts(m, 2, 14)).toEqual(['first', 'abcdefghij']);
  });

  it('timestamps off hides the dmesg time but keeps facility and severity', () => {
    const m = new LogModel();
    m.addSource({ id: 'n1/dmesg', node: 'n1', label: 'dmesg', format: 'dmesg' });
    m.pushChunk('n1/dmesg', enc.encode('kern: warning: [2024-05-01T10:00:01.5Z]: thermal throttling\n'));
    expect(texts(m, 1)).toEqual(['kern: warning: [2024-05-01T10:00:01.5Z]: thermal throttling']);
    expect(m.visibleLines(1, 80)[0]!.severity).toBe('warning');
    m.toggleTimestamps();
    expect(texts(m, 1)).toEqual(['kern: warning: thermal throttling']);
  });
});

describe('LogModel sources', () => {
  it('reassembles chunks per source and pads node prefixes; labels add the stream when they differ', () => {
    const m = new LogModel();
    m.addSource({ id: 'a/etcd', node: '10.0.0.1', label: 'etcd', format: 'service' });
    m.addSource({ id: 'b/etcd', node: '10.0.0.22', label: 'etcd', format: 'service' });
    m.pushChunk('a/etcd', enc.encode('from a, par'));
    m.pushChunk('b/etcd', enc.encode('from b\n'));
    m.pushChunk('a/etcd', enc.encode('t two\n'));
    expect(m.visibleLines(5, 80).map((r) => r.prefix + r.text)).toEqual(['10.0.0.22: from b', '10.0.0.1:  from a, part two']);
    m.addSource({ id: 'a/dmesg', node: '10.0.0.1', label: 'dmesg', format: 'dmesg' });
    expect(m.visibleLines(5, 80)[0]!.prefix).toBe('10.0.0.22/etcd: ');
  });

  it('a gap marker drops the half line and shows whatever the filter', () => {
    const m = modelWith([]);
    m.pushChunk('n1/kubelet', enc.encode('complete\nhalf a li'));
    m.setFilter({ text: 'complete', regex: false, invert: false });
    m.markGap('n1/kubelet', 'connection reset');
    m.pushChunk('n1/kubelet', enc.encode('ne?\ncomplete again\n'));
    const rows = m.visibleLines(5, 120);
    expect(rows.map((r) => r.kind)).toEqual(['line', 'gap-marker', 'line']);
    expect(rows[1]!.text).toContain('connection reset');
    expect(m.sources()[0]).toMatchObject({ status: 'reconnecting', gaps: 1 });
  });

  it('rejoins a long container line the runtime split into CRI "P" records', () => {
    const m = new LogModel();
    m.addSource({ id: 'n/c', node: 'n1', label: 'app', format: 'cri' });
    m.pushLines('n/c', [
      '2024-05-01T10:00:00.1Z stdout P {"level":"error",',
      '2024-05-01T10:00:00.2Z stdout P "msg":"long',
      '2024-05-01T10:00:00.3Z stdout F  line"}',
      '2024-05-01T10:00:01Z stderr F next',
    ]);
    const rows = m.visibleLines(5, 200);
    expect(rows.map((r) => r.text)).toEqual(['2024-05-01T10:00:00.1Z stdout P {"level":"error","msg":"long line"}', '2024-05-01T10:00:01Z stderr F next']);
    expect(rows[0]!.severity).toBe('err');
    m.toggleTimestamps();
    expect(m.visibleLines(5, 200)[0]!.text).toBe('{"level":"error","msg":"long line"}');
  });

  it('removes escape codes and control characters from lines', () => {
    const m = modelWith(['\x1b[31mred\x1b[0m text\x07 and\ttab']);
    expect(texts(m, 1)).toEqual(['red text and    tab']);
  });
});

describe('LogModel filter and save', () => {
  it('a bad regex keeps the previous filter and reports the error', () => {
    const m = modelWith(['error one', 'fine', 'error two']);
    expect(m.setFilter({ text: 'error', regex: true, invert: false })).toEqual({ ok: true });
    expect(m.setFilter({ text: 'error(', regex: true, invert: false }).ok).toBe(false);
    expect(texts(m, 5)).toEqual(['error one', 'error two']);
    expect(m.snapshot(5, 80).filterError).toMatch(/invalid regular expression/);
    m.pushLines('n1/kubelet', ['error three', 'fine again']);
    expect(texts(m, 5)).toEqual(['error one', 'error two', 'error three']);
  });

  it('renderForSave writes the whole filtered buffer as displayed, unwrapped', () => {
    const m = new LogModel({ wrap: true });
    m.addSource({ id: 'n1/dmesg', node: 'n1', label: 'dmesg', format: 'dmesg' });
    m.pushLines('n1/dmesg', [
      'kern:     err: [2024-05-01T10:00:02Z]: disk error',
      'kern:    info: [2024-05-01T10:00:03Z]: all good',
      'kern:     err: [2024-05-01T10:00:04Z]: another error',
    ]);
    m.setFilter({ text: 'err', regex: false, invert: false });
    m.setTimestamps(false);
    expect(m.renderForSave()).toBe('n1: kern:     err: disk error\nn1: kern:     err: another error\n');
  });
});
