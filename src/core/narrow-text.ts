// The width of text made only of characters that are one column wide on their own and never join a
// neighbour into a wider grapheme: printable ASCII, Latin-1 and the symbols the console draws
// (ellipsis, middle dot, arrows, box drawing, blocks). For such text width is simply its length.
//
// Why: the bundle routes Ink's string-width through this first (scripts/build.mjs).
// string-width segments anything outside ASCII into graphemes and tests each one against
// /^\p{RGI_Emoji}$/v, a regular expression V8 takes 15-25 ms to compile: on the first frame alone
// ("│", "…") that was a tenth of start-up. Anything else (other scripts, emoji, combining marks,
// variation selectors, escapes other than colours) returns undefined and string-width measures it as before.
// test/unit/narrow-text.test.ts checks every character of the set against string-width itself.

/**
 * One column each and no grapheme joins between them. Left out of Latin-1: U+00AD (soft hyphen,
 * zero width) and ©, ® (string-width 7, which wrap-ansi uses, counts them as emoji: two columns).
 */
const NARROW_TEXT =
  /^[\u0020-\u007E\u00A0-\u00A8\u00AA-\u00AC\u00AF-\u00FF\u2010-\u2027\u2030-\u203B\u2190-\u2193\u2500-\u259F\u25B2\u25B3\u25BC\u25BD\u25C6\u25C7\u25CB\u25CF\u2713\u2717]*$/;

/**
 * SGR colour and style sequences as Ink writes them (ESC [ 1;33 m). Parameters of at most four
 * digits: there strip-ansi, which string-width uses, removes exactly the same characters. Any other
 * escape stays in the text and sends it to string-width.
 */
const SGR = /\u001B\[(?:\d{1,4}(?:;\d{0,4})*)?m/g;

/**
 * The columns `text` takes when, colours aside, every character is in the narrow set; else
 * undefined. With `ambiguousIsNarrow: false` ambiguous characters (…, ·, │) count two columns, and
 * with `countAnsiEscapeCodes` escapes count: undefined then too.
 */
export function narrowTextWidth(text: unknown, options?: { ambiguousIsNarrow?: boolean; countAnsiEscapeCodes?: boolean }): number | undefined {
  if (typeof text !== 'string' || options?.ambiguousIsNarrow === false) return undefined;
  const visible = text.includes('\u001B') && !options?.countAnsiEscapeCodes ? text.replace(SGR, '') : text;
  return NARROW_TEXT.test(visible) ? visible.length : undefined;
}
