// The ICU-free grapheme segmentation the bundle gives ansi-tokenize (src/core/grapheme-segments.ts)
// against Intl.Segmenter itself: every pair of the characters it handles alone, random lines of
// them with colour escapes, and text it must hand to ICU (emoji, combining marks, CR LF, Hangul).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lazyGraphemeSegmenter } from '../../src/core/grapheme-segments.js';

const icu = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const icuSegments = Object.getPrototypeOf(icu.segment(''));
/** True when the fast path answered (not ICU's Segments object). */
const fast = (text: string) => Object.getPrototypeOf(lazyGraphemeSegmenter().segment(text)) !== icuSegments;
const expected = (text: string) => [...icu.segment(text)].map(({ segment, index, input }) => ({ segment, index, input }));
const actual = (text: string) => [...lazyGraphemeSegmenter().segment(text)].map(({ segment, index, input }) => ({ segment, index, input }));
/** containing() at every index, one before and one past the end, as plain objects. */
const containingAll = (segments: { containing(i?: number): unknown }, length: number) =>
  Array.from({ length: length + 2 }, (_, k) => {
    const s = segments.containing(k - 1) as { segment: string; index: number; input: string } | undefined;
    return s && { segment: s.segment, index: s.index, input: s.input };
  });

/** The characters the fast path takes: every BMP character it does not hand to ICU on its own. */
const fastPath = (() => {
  const chars: string[] = [];
  for (let c = 0; c <= 0xffff; c++) {
    const ch = String.fromCharCode(c);
    if (fast(ch)) chars.push(ch);
  }
  return chars;
})();

describe('lazyGraphemeSegmenter', () => {
  it('takes the characters the console draws, and only a few hundred', () => {
    for (const ch of ['a', ' ', '\u001B', '\n', '…', '│', '·', '→', '█', '✓', 'é']) expect(fastPath).toContain(ch);
    for (const ch of ['\r', '\u0301', '\u200D', '\uFE0F', '\uD83D', '界', '\u1100']) expect(fastPath).not.toContain(ch);
    expect(fastPath.length).toBeLessThan(600);
  });

  it('splits every pair of fast-path characters as Intl.Segmenter does', () => {
    const mismatches: string[] = [];
    for (const a of fastPath) {
      for (const b of fastPath) {
        if (icu.segment(a + b)[Symbol.iterator]().next().value!.segment.length !== 1) mismatches.push(a + b);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('segments random lines of those characters and colour escapes as Intl.Segmenter does (iteration and containing)', () => {
    const piece = fc.oneof(fc.constantFrom(...fastPath), fc.constantFrom('\u001B[31m', '\u001B[1;33m', '\u001B[0m', '\u001B[39m'));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 120 }), (pieces) => {
        const text = pieces.join('');
        expect(actual(text)).toEqual(expected(text));
        expect(containingAll(lazyGraphemeSegmenter().segment(text), text.length)).toEqual(containingAll(icu.segment(text), text.length));
      }),
      { numRuns: 2000 },
    );
  });

  it('hands anything else to Intl.Segmenter', () => {
    for (const text of ['👍🏽 ok', 'e\u0301', 'a\r\nb', '한국어', '🇫🇷', '✓\uFE0F', '│界│', 'x\u200Dy']) {
      expect(fast(text), text).toBe(false);
      expect(actual(text), text).toEqual(expected(text));
    }
  });
});
