// Parsing of the log lines Talos sends, for severity colours and the timestamps on/off toggle.
//
// Dmesg: machined formats each kernel record (siderolabs/go-kmsg) as
//   fmt.Appendf(nil, "%s: %7s: [%s]: %s", facility, priority, timestamp.Format(time.RFC3339Nano), message)
// e.g. "kern:    info: [2024-05-01T10:00:00.123456789Z]: NET: Registered PF_INET6 protocol family"
// The priority is right-aligned to 7 columns; RFC3339Nano drops trailing zeros of the fraction
// (and the dot when it is all zeros). One record is one common.Data message; the message keeps
// the record's trailing newline, and may carry continuation lines (" SUBSYSTEM=acpi") that
// arrive as further lines without a prefix.
//
// Kubernetes containers (namespace k8s.io, driver CRI): the raw CRI log file,
//   "2024-05-01T10:00:00.123456789Z stdout F message"  (F = full line, P = partial line).
// Talos services (namespace system): the process's own output, often led by an RFC3339
// timestamp or Go's log format "2006/01/02 15:04:05[.000000]" (machined: "[talos] " first).

export type Severity = 'emerg' | 'alert' | 'crit' | 'err' | 'warning' | 'notice' | 'info' | 'debug';

/** What the stream carries: decides how lines are parsed. */
export type LogFormat = 'dmesg' | 'service' | 'cri';

export interface DmesgRecord {
  facility: string;
  severity: Severity;
  /** Milliseconds since the epoch (sub-millisecond digits are kept in tsText). */
  ts: number;
  tsText: string;
  message: string;
}

export interface CriRecord {
  ts: number;
  tsText: string;
  stream: 'stdout' | 'stderr';
  /** P: the runtime split a long line; the next record continues it. */
  partial: boolean;
  message: string;
}

/**
 * What the log view needs from any line: its time, severity, and which characters form the
 * timestamp part that "timestamps off" hides ([hideStart, hideEnd) of the line).
 */
export interface LineInfo {
  ts?: number;
  severity?: Severity;
  hideStart?: number;
  hideEnd?: number;
}

const RFC3339 = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?(?:Z|[+-]\\d{2}:\\d{2})';
const DMESG_RE = new RegExp(`^([a-z0-9]+): {0,6}(emerg|alert|crit|err|warning|notice|info|debug): \\[(${RFC3339})\\]: `);
const CRI_RE = new RegExp(`^(${RFC3339}) (stdout|stderr) ([FP])(?:\\S*)? `);
const CRI_EMPTY_RE = new RegExp(`^(${RFC3339}) (stdout|stderr) ([FP])\\S*$`);
const LEADING_RFC3339_RE = new RegExp(`^(?:\\[talos\\] )?(${RFC3339}) `);
const GO_LOG_RE = /^(?:\[talos\] )?(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})? /;
// logfmt (level=error) and JSON ("level":"error") level fields, as containerd, etcd and most Go
// services write them. Only the common spellings: a wrong colour is worse than none.
const LEVEL_RE = /\blevel[=":]{1,3}"?(panic|fatal|error|err|warning|warn|notice|info|debug|trace)\b/i;

/** Parses one Talos dmesg line; null when the line is not a record head (e.g. a continuation line). */
export function parseDmesgLine(line: string): DmesgRecord | null {
  const m = DMESG_RE.exec(line);
  if (!m) return null;
  const tsText = m[3]!;
  return {
    facility: m[1]!,
    severity: m[2] as Severity,
    ts: Date.parse(tsText),
    tsText,
    message: line.slice(m[0].length),
  };
}

/** Parses one CRI log line; null when the line is not in CRI format. */
export function parseCriLine(line: string): CriRecord | null {
  const m = CRI_RE.exec(line) ?? CRI_EMPTY_RE.exec(line);
  if (!m) return null;
  const tsText = m[1]!;
  return {
    ts: Date.parse(tsText),
    tsText,
    stream: m[2] as 'stdout' | 'stderr',
    partial: m[3] === 'P',
    message: line.length > m[0].length ? line.slice(m[0].length) : '',
  };
}

/** Line facts for the view, by stream format. Cheap: one anchored regex per line. */
export function analyzeLine(format: LogFormat, line: string): LineInfo {
  if (format === 'dmesg') {
    const m = DMESG_RE.exec(line);
    if (!m) return {};
    // Hide "[timestamp]: " and keep "kern:    info: message".
    const hideStart = m[0].length - m[3]!.length - 4; // "[" ts "]: "
    return { ts: Date.parse(m[3]!), severity: m[2] as Severity, hideStart, hideEnd: m[0].length };
  }
  if (format === 'cri') {
    const m = CRI_RE.exec(line) ?? CRI_EMPTY_RE.exec(line);
    // The CRI prefix cannot contain a level field, so the whole line is searched.
    if (m) return { ts: Date.parse(m[1]!), severity: levelOf(line), hideStart: 0, hideEnd: m[0].length };
    return { severity: levelOf(line) };
  }
  return analyzeServiceLine(line);
}

function analyzeServiceLine(line: string): LineInfo {
  const severity = levelOf(line);
  const iso = LEADING_RFC3339_RE.exec(line);
  if (iso) {
    const start = iso[0].length - iso[1]!.length - 1;
    return { ts: Date.parse(iso[1]!), severity, hideStart: start, hideEnd: iso[0].length };
  }
  const go = GO_LOG_RE.exec(line);
  if (go) {
    const frac = go[7] ? Number(go[7]) * 1000 : 0;
    // Talos runs in UTC, so Go's local-time log stamps are UTC.
    const ts = Date.UTC(+go[1]!, +go[2]! - 1, +go[3]!, +go[4]!, +go[5]!, +go[6]!) + Math.floor(frac);
    const start = go[0].startsWith('[talos] ') ? 8 : 0;
    return { ts, severity, hideStart: start, hideEnd: go[0].length };
  }
  return severity ? { severity } : {};
}

const LEVEL_WORDS = ['panic', 'fatal', 'error', 'err', 'warning', 'warn', 'notice', 'info', 'debug', 'trace'] as const;

/** `word` (lower-case) at `i` in any case, followed by a non-word character or the end. */
function startsWithWord(text: string, i: number, word: string): boolean {
  if (i + word.length > text.length) return false;
  for (let k = 0; k < word.length; k++) if ((text.charCodeAt(i + k) | 0x20) !== word.charCodeAt(k)) return false;
  const next = text.charCodeAt(i + word.length);
  return !(next === 0x5f || (next >= 0x30 && next <= 0x39) || ((next | 0x20) >= 0x61 && (next | 0x20) <= 0x7a));
}

/** Severity named by a logfmt/JSON level field, mapped onto the syslog names. */
export function levelOf(text: string): Severity | undefined {
  // search() and a char loop, not exec(): this runs on every service line, and a match array plus
  // its substrings per line is most of what a log flood allocates here.
  const at = text.search(LEVEL_RE);
  if (at < 0) return undefined;
  let i = at + 5; // past "level"
  while (i < text.length && (text.charCodeAt(i) === 0x3d || text.charCodeAt(i) === 0x22 || text.charCodeAt(i) === 0x3a)) i++; // = " :
  let word: (typeof LEVEL_WORDS)[number] | undefined;
  for (const w of LEVEL_WORDS) {
    if (startsWithWord(text, i, w)) {
      word = w;
      break;
    }
  }
  switch (word) {
    case 'panic':
    case 'fatal':
      return 'crit';
    case 'error':
    case 'err':
      return 'err';
    case 'warning':
    case 'warn':
      return 'warning';
    case 'notice':
      return 'notice';
    case 'info':
      return 'info';
    case 'debug':
    case 'trace':
    case undefined:
    default:
      return 'debug';
  }
}

/** The line with its [hideStart, hideEnd) timestamp part removed. */
export function withoutTimestamp(line: string, info: { hideStart?: number; hideEnd?: number }): string {
  if (info.hideStart === undefined || info.hideEnd === undefined) return line;
  return line.slice(0, info.hideStart) + line.slice(info.hideEnd);
}
