import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entryBytes, ENTRY_OVERHEAD_BYTES, LogBuffer, type NewLogEntry } from '../../src/core/logs/ring-buffer.js';

const line = (source: string, text: string): NewLogEntry => ({ source, node: source.split('/')[0]!, text, kind: 'line' });
const texts = (b: LogBuffer) => [...b.all.live()].map((e) => e.text);

describe('LogBuffer', () => {
  it('numbers entries in arrival order across sources', () => {
    const b = new LogBuffer();
    const a1 = b.push(line('n1/a', 'a1'));
    const b1 = b.push(line('n2/a', 'b1'));
    const a2 = b.push(line('n1/a', 'a2'));
    expect([a1.seq, b1.seq, a2.seq]).toEqual([1, 2, 3]);
    expect(texts(b)).toEqual(['a1', 'b1', 'a2']);
  });

  it('wraps each source at its own capacity and keeps the merged order', () => {
    const b = new LogBuffer({ capacityPerSource: 3 });
    b.push(line('quiet/x', 'q1'));
    for (let i = 1; i <= 10; i++) b.push(line('loud/x', `l${i}`));
    // The quiet source keeps its only line; the loud one keeps its newest three.
    expect(texts(b)).toEqual(['q1', 'l8', 'l9', 'l10']);
    expect(b.size).toBe(4);
    expect(b.sourceSize('loud/x')).toBe(3);
    expect(b.evicted).toBe(7);
  });

  it('maxTotal evicts the globally oldest entry, whichever source it belongs to', () => {
    const b = new LogBuffer({ capacityPerSource: 100, maxTotal: 4 });
    for (const [s, t] of [['a', 'a1'], ['b', 'b1'], ['a', 'a2'], ['b', 'b2'], ['b', 'b3'], ['a', 'a3']] as const) b.push(line(s, t));
    expect(texts(b)).toEqual(['a2', 'b2', 'b3', 'a3']);
    expect(b.sourceSize('a')).toBe(2);
    expect(b.sourceSize('b')).toBe(2);
  });

  it('one byte budget across sources: long lines push out the oldest entries, whichever source', () => {
    const budget = 4 * (ENTRY_OVERHEAD_BYTES + 100);
    const b = new LogBuffer({ capacityPerSource: 100, maxBytes: budget });
    const long = (tag: string) => tag + 'x'.repeat(100 - tag.length);
    for (const [s, t] of [['a', 'a1'], ['b', 'b1'], ['a', 'a2'], ['b', 'b2'], ['b', 'b3']] as const) b.push(line(s, long(t)));
    expect(texts(b).map((t) => t.slice(0, 2))).toEqual(['b1', 'a2', 'b2', 'b3']);
    expect(b.bytes).toBe(budget);
    // Short lines cost their overhead too: each pushes out one long entry, the oldest first.
    b.push(line('a', 'a3'));
    b.push(line('a', 'a4'));
    expect(texts(b).map((t) => t.slice(0, 2))).toEqual(['b2', 'b3', 'a3', 'a4']);
    expect(b.bytes).toBeLessThanOrEqual(budget);
    b.removeSource('b');
    expect(b.bytes).toBe(entryBytes({ text: 'a3' }) + entryBytes({ text: 'a4' }));
  });

  it('a single line larger than the budget still shows (alone)', () => {
    const b = new LogBuffer({ maxBytes: 50 });
    b.push(line('a', 'first'));
    b.push(line('a', 'y'.repeat(500)));
    expect(texts(b)).toEqual(['y'.repeat(500)]);
  });

  it('bytes stay within the budget under a flood of mixed lengths from many sources', () => {
    const maxBytes = 200_000;
    const b = new LogBuffer({ maxBytes });
    for (let i = 0; i < 50_000; i++) {
      b.push(line(`n${i % 37}/s`, 'z'.repeat((i * 7919) % 300)));
      expect(b.bytes).toBeLessThanOrEqual(maxBytes);
    }
    const live = [...b.all.live()];
    expect(live.reduce((sum, e) => sum + entryBytes(e), 0)).toBe(b.bytes);
    // Nearly full: the oldest went first, and only as many as needed.
    expect(b.bytes).toBeGreaterThan(maxBytes - (ENTRY_OVERHEAD_BYTES + 300));
  });

  it('removeSource drops only that source', () => {
    const b = new LogBuffer();
    b.push(line('a', 'a1'));
    b.push(line('b', 'b1'));
    b.push(line('a', 'a2'));
    b.removeSource('a');
    expect(texts(b)).toEqual(['b1']);
    expect(b.size).toBe(1);
  });

  it('stays bounded (compacts dead entries) under a long flood next to a quiet source', () => {
    const b = new LogBuffer({ capacityPerSource: 1000 });
    b.push(line('quiet', 'oldest')); // pins the front of the merged list
    for (let i = 0; i < 200_000; i++) b.push(line('loud', String(i)));
    expect(b.size).toBe(1001);
    expect(b.all.rawLength).toBeLessThanOrEqual(2 * 1001 + 1024 + 1);
    const live = texts(b);
    expect(live[0]).toBe('oldest');
    expect(live[1]).toBe('199000');
    expect(live.at(-1)).toBe('199999');
  });

  it('lowerBound finds positions by seq', () => {
    const b = new LogBuffer();
    for (let i = 0; i < 10; i++) b.push(line('a', String(i)));
    expect(b.all.lowerBound(5)).toBe(4);
    expect(b.all.lowerBound(0)).toBe(0);
    expect(b.all.lowerBound(99)).toBe(10);
  });

  it('property: matches a naive model of per-source and total capacity', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 300 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 20 }),
        (sources, cap, total) => {
          const b = new LogBuffer({ capacityPerSource: cap, maxTotal: total });
          let naive: Array<{ s: string; t: string }> = [];
          sources.forEach((s, i) => {
            b.push(line(s, `${s}${i}`));
            naive.push({ s, t: `${s}${i}` });
            const mine = naive.filter((x) => x.s === s);
            if (mine.length > cap) naive = naive.filter((x) => x !== mine[0]);
            if (naive.length > total) naive = naive.slice(1);
          });
          expect(texts(b)).toEqual(naive.map((x) => x.t));
          expect(b.size).toBe(naive.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});
