// Terminal column maths for log rows. Wrapping and truncation must agree with what the
// terminal draws, or a wide character pushes a row past the pane edge and Ink re-wraps it.
// This is a compact approximation of East Asian Width + emoji (no dependency on string-width,
// which is only a transitive dependency of Ink).

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Columns one code point occupies: 0 (combining / zero-width), 1, or 2 (wide). */
export function codePointWidth(cp: number): 0 | 1 | 2 {
  if (cp < 0x300) return 1;
  // Combining marks and zero-width characters draw on the previous cell.
  if (
    (cp >= 0x300 && cp <= 0x36f) ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x20d0 && cp <= 0x20ff) ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0xfe20 && cp <= 0xfe2f) ||
    cp === 0xfeff
  ) {
    return 0;
  }
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f680 && cp <= 0x1f6ff) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x1fa70 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** Display width of a string in terminal columns. */
export function displayWidth(s: string): number {
  if (PRINTABLE_ASCII.test(s)) return s.length;
  let w = 0;
  for (const ch of s) w += codePointWidth(ch.codePointAt(0)!);
  return w;
}

/**
 * Cuts `s` into pieces of at most `width` columns each (at least one piece, possibly '').
 * A wide character that does not fit at the end of a piece starts the next one.
 */
export function wrapColumns(s: string, width: number): string[] {
  const w = Math.max(1, Math.floor(width));
  if (PRINTABLE_ASCII.test(s)) {
    if (s.length <= w) return [s];
    const out: string[] = [];
    for (let i = 0; i < s.length; i += w) out.push(s.slice(i, i + w));
    return out;
  }
  const out: string[] = [];
  let cur = '';
  let curW = 0;
  for (const ch of s) {
    const cw = codePointWidth(ch.codePointAt(0)!);
    if (curW + cw > w && cur !== '') {
      out.push(cur);
      cur = '';
      curW = 0;
    }
    cur += ch;
    curW += cw;
  }
  out.push(cur);
  return out;
}

/** The longest prefix of `s` that fits in `width` columns. */
export function truncateColumns(s: string, width: number): string {
  const w = Math.max(0, Math.floor(width));
  if (PRINTABLE_ASCII.test(s)) return s.length <= w ? s : s.slice(0, w);
  let out = '';
  let used = 0;
  for (const ch of s) {
    const cw = codePointWidth(ch.codePointAt(0)!);
    if (used + cw > w) break;
    out += ch;
    used += cw;
  }
  return out;
}

/** How many rows `s` takes when wrapped at `width` columns (at least 1). */
export function wrappedRowCount(s: string, width: number): number {
  const w = Math.max(1, Math.floor(width));
  if (PRINTABLE_ASCII.test(s)) return Math.max(1, Math.ceil(s.length / w));
  return wrapColumns(s, w).length;
}
