// Log text comes from arbitrary processes: colour codes, cursor movement, bells, tabs.
// Written raw into an Ink frame they would move the cursor and corrupt the screen, and they
// make column maths wrong. Lines are cleaned once at ingest so rendering can trust them.

// Fast check: anything outside printable ASCII + printable non-ASCII needs the slow path.
const NEEDS_CLEANING = /[\x00-\x1f\x7f-\x9f]/;
// CSI (ESC [ params final), OSC (ESC ] ... BEL | ESC \), other two-byte ESC sequences,
// and the 8-bit CSI introducer.
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]|\x9b[0-?]*[ -/]*[@-~]/g;
const OTHER_CONTROLS = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/g;
const TAB_STOP = 8;

/** Removes escape sequences and control characters; expands tabs to 8-column stops. */
export function sanitizeLine(line: string): string {
  if (!NEEDS_CLEANING.test(line)) return line;
  let s = line.replace(ESCAPES, '').replace(OTHER_CONTROLS, '');
  if (s.includes('\t')) s = expandTabs(s);
  return s;
}

function expandTabs(s: string): string {
  let out = '';
  for (const ch of s) {
    if (ch === '\t') out += ' '.repeat(TAB_STOP - (out.length % TAB_STOP));
    else out += ch;
  }
  return out;
}
