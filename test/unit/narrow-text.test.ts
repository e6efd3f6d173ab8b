// narrowTextWidth is a shortcut the bundle takes in front of Ink's string-width: it must give exactly
// string-width's answer whenever it gives one. Checked against both copies Ink's tree bundles (8.x
// for Ink and cli-truncate, 7.x under wrap-ansi), every character of the set and random mixtures.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import stringWidth8 from 'string-width';
import { narrowTextWidth } from '../../src/core/narrow-text.js';

type Width = (text: string, options?: { ambiguousIsNarrow?: boolean }) => number;
// wrap-ansi's own copy (string-width 7); a path, as it is nobody's direct dependency.
const stringWidth7 = ((await import('../../node_modules/wrap-ansi/node_modules/string-width/index.js' as string)) as { default: Width }).default;
const widths: Array<[string, Width]> = [['string-width 8', stringWidth8], ['string-width 7', stringWidth7]];

const narrowSet: string[] = [];
for (let cp = 0; cp <= 0xffff; cp++) {
  const ch = String.fromCodePoint(cp);
  if (narrowTextWidth(ch) === 1) narrowSet.push(ch);
}

describe('narrowTextWidth', () => {
  it('covers ASCII, Latin-1 and the symbols the console draws', () => {
    for (const ch of ['a', ' ', '~', '·', '×', 'é', '…', '•', '›', '←', '↓', '│', '─', '╭', '█', '░', '▲', '●', '✓']) expect(narrowTextWidth(ch)).toBe(1);
    expect(narrowTextWidth('talos-tui │ starting simulator…')).toBe(31);
    // Ink measures text after colouring it.
    expect(narrowTextWidth('\u001B[1m\u001B[36mtalos-tui\u001B[39m\u001B[22m\u001B[2m │ \u001B[22m\u001B[33mstarting…\u001B[39m')).toBe(21);
  });

  it.each(widths)('agrees with %s on every character of its set, alone and between letters', (_name, width) => {
    for (const ch of narrowSet) {
      expect([ch, width(ch)]).toEqual([ch, 1]);
      expect([ch, width(`a${ch}b`)]).toEqual([ch, 3]);
    }
  });

  it('leaves everything that could be wide, zero-width or joined to string-width', () => {
    for (const text of ['\u00AD', '©', '®', 'e\u0301', '✔', '✔\uFE0F', '←\uFE0F', '‼', '⌚', '👍', '日本', '한', '\u200B', '\u001B]8;;x\u0007y', '\u001B[12345m', '\u001B[1K', '\u009B1m', '\t', '\n', 'x\u2028y']) {
      expect([text, narrowTextWidth(text)]).toEqual([text, undefined]);
    }
    expect(narrowTextWidth('…', { ambiguousIsNarrow: false })).toBeUndefined();
    expect(narrowTextWidth(42)).toBeUndefined();
    expect(narrowTextWidth('\u001B[1mx', { countAnsiEscapeCodes: true })).toBeUndefined();
  });

  it.each(widths)('never disagrees with %s on random text mixing the set with anything else', (_name, width) => {
    const other = fc.oneof(fc.constantFrom('\u0301', '\uFE0F', '\u200D', '日', '👍', '\u001B[2m', '\u001B[1;33m', '\u001B[38;5;208m', '\u001B[12345m', '\u001B[', 'm', ';', '\u001B]8;;x\u0007', '\u0007', '\u00AD', '🇩', '🇪', '\u1100', '\u1161'), fc.string({ unit: 'grapheme', maxLength: 2 }));
    const colour = fc.constantFrom('\u001B[1m', '\u001B[22m', '\u001B[39m', '\u001B[0;4m', '\u001B[m', '\u001B[48;2;10;20;30m');
    const piece = fc.oneof(fc.constantFrom(...narrowSet), fc.constantFrom(...narrowSet), colour, other);
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const text = pieces.join('');
        const fast = narrowTextWidth(text);
        if (fast !== undefined) expect(fast).toBe(width(text));
      }),
      { numRuns: 2000 },
    );
  });
});
