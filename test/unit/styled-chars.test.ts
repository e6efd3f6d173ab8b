// joinStyledChars stands in for @alcalzone/ansi-tokenize's styledCharsToString in the bundle: it must
// produce exactly the same string for any styled text Ink can hand it.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ansiCodesToString, diffAnsiCodes, styledCharsFromTokens, styledCharsToString, tokenize } from '@alcalzone/ansi-tokenize';
import { joinStyledChars, sameStyles } from '../../src/core/styled-chars.js';

const join = (text: string) => joinStyledChars(styledCharsFromTokens(tokenize(text)), diffAnsiCodes, ansiCodesToString);
const original = (text: string) => styledCharsToString(styledCharsFromTokens(tokenize(text)));

describe('joinStyledChars', () => {
  it('writes a coloured line as the library does, codes only where the style changes', () => {
    const line = '\u001B[1m\u001B[36mtalos\u001B[39m\u001B[22m   \u001B[2m│\u001B[22m x';
    expect(join(line)).toBe(original(line));
    expect(join('plain text')).toBe('plain text');
    expect(join('')).toBe('');
  });

  it('never differs from styledCharsToString on random styled text', () => {
    const sgr = fc.constantFrom(
      '\u001B[1m', '\u001B[2m', '\u001B[22m', '\u001B[3m', '\u001B[23m', '\u001B[4m', '\u001B[24m', '\u001B[7m', '\u001B[27m',
      '\u001B[31m', '\u001B[36m', '\u001B[39m', '\u001B[43m', '\u001B[49m', '\u001B[0m', '\u001B[m', '\u001B[1;33m',
      '\u001B[38;5;208m', '\u001B[48;2;1;2;3m', '\u001B[90m', '\u001B]8;;https://x\u0007', '\u001B]8;;\u0007',
    );
    const text = fc.constantFrom('a', ' ', '…', '│', '日', '👍', 'e\u0301', 'xyz');
    fc.assert(
      fc.property(fc.array(fc.oneof(sgr, text), { maxLength: 30 }), (parts) => {
        const line = parts.join('');
        expect(join(line)).toBe(original(line));
      }),
      { numRuns: 3000 },
    );
  });

  it('compares styles by code and end code, not by identity', () => {
    expect(sameStyles([{ code: 'a', endCode: 'b' }], [{ code: 'a', endCode: 'b' }])).toBe(true);
    expect(sameStyles([{ code: 'a', endCode: 'b' }], [{ code: 'a', endCode: 'c' }])).toBe(false);
    expect(sameStyles([], [{ code: 'a', endCode: 'b' }])).toBe(false);
  });
});
