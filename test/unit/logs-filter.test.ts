import { describe, expect, it } from 'vitest';
import { compileFilter, FilteredView } from '../../src/core/logs/filter.js';
import { LogBuffer } from '../../src/core/logs/ring-buffer.js';

function ok(spec: Parameters<typeof compileFilter>[0]) {
  const f = compileFilter(spec);
  if (!f.ok) throw new Error(f.error);
  return f;
}

describe('compileFilter', () => {
  it('substring is case-insensitive by default and case-sensitive on request', () => {
    expect(ok({ text: 'error', regex: false, invert: false }).test('an ERROR here')).toBe(true);
    expect(ok({ text: 'error', regex: false, invert: false, caseSensitive: true }).test('an ERROR here')).toBe(false);
  });

  it('substring treats regex characters literally', () => {
    const f = ok({ text: 'a.b(', regex: false, invert: false });
    expect(f.test('x a.b( y')).toBe(true);
    expect(f.test('axb(')).toBe(false);
  });

  it('regex matches, and gives the same answer on repeated lines (no lastIndex state)', () => {
    const f = ok({ text: 'etcd.*(leader|term)', regex: true, invert: false });
    for (let i = 0; i < 3; i++) expect(f.test('etcd: elected leader')).toBe(true);
    expect(f.test('kubelet started')).toBe(false);
  });

  it('invert keeps the lines that do not match', () => {
    const f = ok({ text: 'health', regex: false, invert: true });
    expect(f.test('GET /healthz')).toBe(false);
    expect(f.test('real work')).toBe(true);
  });

  it('empty text is inactive and passes everything, even inverted', () => {
    const f = ok({ text: '', regex: true, invert: true });
    expect(f.active).toBe(false);
    expect(f.test('anything')).toBe(true);
  });

  it('a bad regex is an error value naming the problem, not a throw', () => {
    const f = compileFilter({ text: 'foo(', regex: true, invert: false });
    expect(f.ok).toBe(false);
    if (!f.ok) expect(f.error).toMatch(/invalid regular expression \/foo\(\/: .*unterminated group/i);
  });
});

describe('FilteredView', () => {
  it('is maintained incrementally as lines arrive, and rebuilt once on a filter change', () => {
    const b = new LogBuffer();
    const v = new FilteredView(b.all);
    v.apply(ok({ text: 'err', regex: false, invert: false }));
    for (const t of ['ok 1', 'err 1', 'ok 2', 'err 2']) v.offer(b.push({ source: 's', node: 'n', text: t, kind: 'line' }));
    v.offer(b.push({ source: 's', node: 'n', text: 'stream lost', kind: 'gap-marker' }));
    expect([...v.list.live()].map((e) => e.text)).toEqual(['err 1', 'err 2', 'stream lost']);

    v.apply(ok({ text: 'err', regex: false, invert: true }));
    expect([...v.list.live()].map((e) => e.text)).toEqual(['ok 1', 'ok 2', 'stream lost']);
  });

  it('drops entries evicted from the buffer', () => {
    const b = new LogBuffer({ capacityPerSource: 2 });
    const v = new FilteredView(b.all);
    v.apply(ok({ text: 'x', regex: false, invert: false }));
    for (const t of ['x1', 'x2', 'x3']) v.offer(b.push({ source: 's', node: 'n', text: t, kind: 'line' }));
    expect([...v.list.live()].map((e) => e.text)).toEqual(['x2', 'x3']);
  });
});
