// The unified diff of src/core/diff (issue 12 item 9): hunks with context, `-` before `+`, headers in
// the form Talos's own config diff prints (pkg/machinery/textdiff: `--- a`, `+++ b`, `@@ -1,2 +1,3 @@`).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { diffStat, unifiedDiff, unifiedHunks } from '../../src/core/diff/unified.js';

/** Apply a unified diff's hunks to `from`: must give `to` back (checks line numbers and counts). */
function patch(from: string, lines: readonly string[]): string[] {
  const a = from === '' ? [] : from.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  let at = 0; // next unread line of a (0-based)
  for (let i = 2; i < lines.length; ) {
    const m = /^@@ -(\d+),(\d+) \+(\d+),(\d+) @@$/.exec(lines[i]!)!;
    expect(m).not.toBeNull();
    const fromStart = Number(m[1]);
    const fromCount = Number(m[2]);
    const start = fromCount === 0 ? fromStart : fromStart - 1;
    out.push(...a.slice(at, start));
    at = start;
    for (i++; i < lines.length && !lines[i]!.startsWith('@@'); i++) {
      const l = lines[i]!;
      if (l.startsWith(' ')) {
        expect(a[at]).toBe(l.slice(1));
        out.push(a[at++]!);
      } else if (l.startsWith('-')) {
        expect(a[at]).toBe(l.slice(1));
        at++;
      } else out.push(l.slice(1));
    }
  }
  return [...out, ...a.slice(at)];
}

describe('unifiedDiff', () => {
  it('prints what Talos prints for its own test cases', () => {
    expect(unifiedDiff('line 1\nline 2\nline 3\n', 'line 1\nline 2\nline 3\n')).toEqual([]);
    expect(unifiedDiff('line 1\nline 2\nline 3\n', 'line A\nline B\nline C\n')).toEqual([
      '--- a', '+++ b', '@@ -1,3 +1,3 @@', '-line 1', '-line 2', '-line 3', '+line A', '+line B', '+line C',
    ]);
    expect(unifiedDiff('line 1\nline 3\n', 'line 1\nline 2\nline 3\n')).toEqual(['--- a', '+++ b', '@@ -1,2 +1,3 @@', ' line 1', '+line 2', ' line 3']);
  });

  it('keeps three lines of context, splits far changes into hunks, removed before added', () => {
    const from = Array.from({ length: 20 }, (_, i) => `l${i + 1}`).join('\n');
    const to = from.replace('l2\n', 'L2\n').replace('l18', 'L18');
    const d = unifiedDiff(from, to, { fromName: 'node', toName: 'file' });
    expect(d.slice(0, 2)).toEqual(['--- node', '+++ file']);
    expect(d.filter((l) => l.startsWith('@@'))).toEqual(['@@ -1,5 +1,5 @@', '@@ -15,6 +15,6 @@']);
    expect(d.slice(2, 8)).toEqual(['@@ -1,5 +1,5 @@', ' l1', '-l2', '+L2', ' l3', ' l4']);
    expect(diffStat(d)).toEqual({ removed: 2, added: 2 });
    // Close changes share one hunk.
    expect(unifiedHunks(from, from.replace('l5', 'x').replace('l10', 'y'))).toHaveLength(1);
  });

  it('numbers an insertion into an empty text and a deletion of everything as diff -u does', () => {
    expect(unifiedDiff('', 'a\nb\n')).toEqual(['--- a', '+++ b', '@@ -0,0 +1,2 @@', '+a', '+b']);
    expect(unifiedDiff('a\n', '')).toEqual(['--- a', '+++ b', '@@ -1,1 +0,0 @@', '-a']);
  });

  it('is a patch that turns `from` into `to` (property)', () => {
    const text = fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { maxLength: 30 }).map((l) => l.join('\n'));
    fc.assert(
      fc.property(text, text, fc.integer({ min: 0, max: 4 }), (from, to, context) => {
        const d = unifiedDiff(from, to, { context });
        const want = to === '' ? [] : to.split('\n');
        if (d.length === 0) expect(from.split('\n')).toEqual(to.split('\n'));
        else expect(patch(from, d)).toEqual(want);
        // Within a hunk, a run of changes lists its removals first.
        for (let i = 1; i < d.length; i++) if (d[i]!.startsWith('-') && !d[i]!.startsWith('---')) expect(d[i - 1]!.startsWith('+') && !d[i - 1]!.startsWith('+++')).toBe(false);
      }),
    );
  });
});
