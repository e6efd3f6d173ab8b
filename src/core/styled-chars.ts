// Ink turns every line of every frame back into a string with @alcalzone/ansi-tokenize's
// styledCharsToString, which diffs the styles of each character against the previous one with three
// Sets and two array copies, even when nothing changes (blank cells, runs of one colour). On a cold
// start that per-cell work is a third of the first frame. joinStyledChars writes the same string but
// skips the diff where two neighbours carry the same codes (the diff is then empty by definition).
// The bundle puts it in place of the original (scripts/build.mjs); test/unit/styled-chars.test.ts
// compares the two on random styled text.

export interface AnsiCodeLike {
  code: string;
  endCode: string;
}

export interface StyledCharLike<C extends AnsiCodeLike = AnsiCodeLike> {
  value: string;
  styles: C[];
}

/** Same codes in the same order: diffAnsiCodes(a, b) is empty (it reads only code and endCode). */
export function sameStyles(a: AnsiCodeLike[], b: AnsiCodeLike[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.code !== b[i]!.code || a[i]!.endCode !== b[i]!.endCode) return false;
  }
  return true;
}

/** styledCharsToString with the library's own diff and serialisation, minus the empty diffs. */
export function joinStyledChars<C extends AnsiCodeLike>(
  chars: Array<StyledCharLike<C>>,
  diff: (from: C[], to: C[]) => C[],
  toText: (codes: C[]) => string,
): string {
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i]!;
    if (i === 0) {
      if (char.styles.length > 0) out += toText(char.styles);
    } else {
      const previous = chars[i - 1]!.styles;
      if (!sameStyles(previous, char.styles)) out += toText(diff(previous, char.styles));
    }
    out += char.value;
    // Reset whatever is still active at the end of the string.
    if (i === chars.length - 1 && char.styles.length > 0) out += toText(diff(char.styles, []));
  }
  return out;
}
