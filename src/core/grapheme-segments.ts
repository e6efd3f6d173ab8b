// Grapheme segmentation that asks ICU only when it has to. Ink tokenizes every line it draws with
// @alcalzone/ansi-tokenize and clips lines with slice-ansi, both walking graphemes with an
// Intl.Segmenter; the first Intl.Segmenter of a process loads ICU's break rules: ~8 ms of CPU, on
// the first frame.
// Text made only of the characters below (printable ASCII, Latin-1, the punctuation, arrows, box
// drawing and shapes the console draws, plus ESC, tab and newline) has one grapheme per UTF-16 unit:
// none of them joins a neighbour (no Extend, ZWJ, SpacingMark, Prepend, regional indicator, Hangul
// jamo, and no CR that would join an LF). Anything else goes to a real Intl.Segmenter, made then.
// The bundle swaps this in for ansi-tokenize's and slice-ansi's segmenters (scripts/build.mjs);
// test/unit/grapheme-segments.test.ts checks every pair of these characters against Intl.Segmenter.

const SINGLE_UNIT_GRAPHEMES = /^[\t\n\u001B\u0020-\u007E\u00A0-\u00FF\u2010-\u2027\u2030-\u203B\u2190-\u2193\u2500-\u25FF\u2713\u2717]*$/;

export interface GraphemeSegment {
  segment: string;
  index: number;
  input: string;
}

/** What ansi-tokenize and slice-ansi use of Intl.Segmenter's Segments: iteration and containing(). */
export interface GraphemeSegments extends Iterable<GraphemeSegment> {
  containing(index?: number): GraphemeSegment | undefined;
}

export interface GraphemeSegmenter {
  segment(text: string): GraphemeSegments;
}

/** One grapheme per UTF-16 unit, with Intl's Segments interface. */
class SingleUnitSegments implements GraphemeSegments {
  constructor(private readonly text: string) {}

  containing(index = 0): GraphemeSegment | undefined {
    const i = Math.trunc(Number(index)) || 0;
    return i >= 0 && i < this.text.length ? { segment: this.text[i]!, index: i, input: this.text } : undefined;
  }

  *[Symbol.iterator](): Iterator<GraphemeSegment> {
    for (let i = 0; i < this.text.length; i++) yield { segment: this.text[i]!, index: i, input: this.text };
  }
}

export function lazyGraphemeSegmenter(): GraphemeSegmenter {
  let icu: Intl.Segmenter | undefined;
  return {
    segment(text: string): GraphemeSegments {
      if (SINGLE_UNIT_GRAPHEMES.test(text)) return new SingleUnitSegments(text);
      icu ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
      return icu.segment(text);
    },
  };
}
