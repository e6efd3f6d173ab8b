// One source's bytes to complete log entries: line splitting, CRI partial records joined back
// into one line, and dmesg continuation lines given the severity of their record. Kept per source
// because each of these carries state across chunks (a half line, a half CRI record, the last
// severity seen).

import { analyzeLine, type LogFormat, type Severity } from './dmesg.js';
import { LineSplitter } from './line-splitter.js';
import type { NewLogEntry } from './ring-buffer.js';
import { sanitizeLine } from '../terminal-text.js';

export interface LineSourceIdentity {
  id: string;
  node: string;
  format: LogFormat;
}

// The container runtime splits lines over 16 KiB into "P" records; rejoined lines are capped here.
const MAX_JOINED_CHARS = 256 * 1024;

/** Index of the F/P tag in "<RFC3339> stdout|stderr F|P...", or -1 when not a CRI record.
 *  Done by hand: it runs on every container log line. */
function criTagAt(text: string): number {
  const sp = text.indexOf(' ');
  if (sp < 20 || sp > 40) return -1; // RFC3339 is 20..35 characters
  if (!text.startsWith('stdout ', sp + 1) && !text.startsWith('stderr ', sp + 1)) return -1;
  const tag = sp + 8;
  const c = text.charCodeAt(tag);
  return c === 0x46 || c === 0x50 ? tag : -1; // 'F' | 'P'
}

export class SourceLines {
  private readonly splitter: LineSplitter;
  /** Dmesg continuation lines (" SUBSYSTEM=...") inherit the severity of their record. */
  private lastSeverity?: Severity;
  /** CRI: a line the runtime split into P records, waiting for its final F record. */
  private criPartial?: string;

  /** `emit` receives every complete line, in order. */
  constructor(
    private readonly source: LineSourceIdentity,
    maxLineBytes: number | undefined,
    private readonly emit: (entry: NewLogEntry) => void,
  ) {
    this.splitter = new LineSplitter({ maxLineBytes });
  }

  /** Feeds one common.Data chunk; returns how many lines it completed (before CRI joining). */
  pushChunk(bytes: Uint8Array): number {
    const lines = this.splitter.push(bytes);
    for (const line of lines) this.ingest(line);
    return lines.length;
  }

  /** Feeds lines that are already split. */
  pushLines(lines: readonly string[]): void {
    for (const line of lines) this.ingest(line);
  }

  /** The stream ended normally: emits its unterminated last line and any pending CRI pieces. */
  end(): void {
    for (const line of this.splitter.flush()) this.ingest(line);
    if (this.criPartial !== undefined) this.record(this.criPartial);
    this.criPartial = undefined;
  }

  /** The stream broke: drops the half-received line, which a new stream will not complete. */
  reset(): void {
    this.splitter.reset();
    this.criPartial = undefined;
  }

  private ingest(raw: string): void {
    const text = sanitizeLine(raw);
    if (this.source.format !== 'cri') return this.record(text);
    const whole = this.joinCriPartial(text);
    if (whole !== null) this.record(whole);
  }

  /** Emits one complete line. */
  private record(text: string): void {
    const info = analyzeLine(this.source.format, text);
    let severity = info.severity;
    if (this.source.format === 'dmesg') {
      if (severity) this.lastSeverity = severity;
      else if (text.startsWith(' ')) severity = this.lastSeverity;
    }
    this.emit({
      source: this.source.id,
      node: this.source.node,
      text,
      kind: 'line',
      // info.ts is not kept: nothing reads it, and a time in ms is a heap number per stored line.
      severity,
      hideStart: info.hideStart,
      hideEnd: info.hideEnd,
    });
  }

  /** CRI "P" records are pieces of one long line: returns the whole line once its final "F"
   *  record arrives, null while pieces are pending. */
  private joinCriPartial(text: string): string | null {
    const tag = criTagAt(text);
    if (tag < 0) {
      // Not a CRI record: release any pending half line as it is, then go on with this one.
      if (this.criPartial !== undefined) {
        const pending = this.criPartial;
        this.criPartial = undefined;
        this.record(pending);
      }
      return text;
    }
    const partial = text.charCodeAt(tag) === 0x50; // 'P'
    if (this.criPartial === undefined) {
      if (!partial) return text;
      this.criPartial = text; // keeps the first record's time and stream prefix
      return null;
    }
    if (this.criPartial.length < MAX_JOINED_CHARS) {
      const bodyStart = text.indexOf(' ', tag);
      if (bodyStart >= 0) this.criPartial += text.slice(bodyStart + 1);
    }
    if (partial) return null;
    const whole = this.criPartial;
    this.criPartial = undefined;
    return whole;
  }
}
