// Text from a node (hostnames, service events, COSI specs, log lines, error details) or echoed from
// the user (file and node names) is shown on the admin's terminal. Written raw, an escape sequence in
// it is executed: OSC 52 sets the clipboard, OSC 0 the window title, OSC 8 hides a link, CSI 2J clears
// the screen, a CR overwrites what was printed. Everything is cleaned once where it enters, so every
// pane, table and headless printer can trust it.

// Fast check: anything outside printable ASCII + printable non-ASCII needs the slow path.
const NEEDS_CLEANING = /[\x00-\x1f\x7f-\x9f]/;
// CSI (ESC [ params final), OSC/DCS/PM/APC/SOS strings (ESC ] P ^ _ X ... BEL | ESC \), other
// two-byte ESC sequences, and the 8-bit CSI / OSC introducers with their strings.
const ESCAPES =
  /\x1b\[[0-?]*[ -/]*[@-~]|\x1b[\]P^_X][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|\x1b[ -/]*[0-~]|\x9b[0-?]*[ -/]*[@-~]|[\x90\x9d\x9e\x9f\x98][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?/g;
// Every other C0 control but tab and newline, DEL and the C1 controls.
const CONTROLS_KEEP_LAYOUT = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
// The same, tab and newline included (one line of a log or table).
const CONTROLS_ALL_BUT_TAB = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/g;
const TAB_STOP = 8;

/** Removes escape sequences and control characters, keeping newlines and tabs (multi-line text: YAML, messages). */
export function safeText(text: string): string {
  if (!NEEDS_CLEANING.test(text)) return text;
  return text.replace(ESCAPES, '').replace(CONTROLS_KEEP_LAYOUT, '');
}

/** One display line: removes escape sequences and every control character; expands tabs to 8-column stops. */
export function sanitizeLine(line: string): string {
  if (!NEEDS_CLEANING.test(line)) return line;
  let s = line.replace(ESCAPES, '').replace(CONTROLS_ALL_BUT_TAB, '');
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
