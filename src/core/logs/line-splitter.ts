// Talos streams logs as common.Data chunks whose byte boundaries do not follow lines:
// a chunk may end mid-line or even mid-way through a multi-byte UTF-8 character.
// One LineSplitter per stream turns chunks into complete lines.
//
// Lines are split on bytes (\n) and each complete line is decoded on its own, so a
// character cut across two chunks is decoded once both halves are present. Each line
// becomes a fresh string: slicing one big decoded chunk would make V8 keep the whole
// chunk alive for as long as any one of its lines sits in the ring buffer.

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;
/** Appended to a line cut at the cap; the rest of that line (up to its newline) is dropped. */
export const TRUNCATION_MARK = ' …[line truncated]';

const LF = 0x0a;
const CR = 0x0d;

export interface LineSplitterOptions {
  /** A line longer than this many bytes is cut here (runaway output without newlines). */
  maxLineBytes?: number;
}

export class LineSplitter {
  private readonly maxLineBytes: number;
  // ignoreBOM: keep a U+FEFF that starts a line; it is content, not a stream header.
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  private pending = new Uint8Array(0);
  private pendingLen = 0;
  /** True after a line was cut: bytes are skipped until the next newline. */
  private discarding = false;

  constructor(options: LineSplitterOptions = {}) {
    this.maxLineBytes = Math.max(16, options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  }

  /** Bytes of the incomplete last line held back until its newline arrives. */
  get pendingBytes(): number {
    return this.pendingLen;
  }

  /** Feeds one chunk; returns the lines it completed (without \n or \r\n). */
  push(chunk: Uint8Array): string[] {
    const out: string[] = [];
    // One Buffer view per chunk, then each line decoded by range: a subarray per line would be one
    // more object per line, and a flood makes hundreds of thousands of lines a second.
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(LF, start);
      if (nl < 0) {
        this.holdTail(chunk.subarray(start), out);
        break;
      }
      if (this.discarding) {
        this.discarding = false;
      } else if (this.pendingLen > 0) {
        this.append(chunk.subarray(start, nl));
        this.emit(this.pending.subarray(0, this.pendingLen), out);
        this.pendingLen = 0;
      } else {
        this.emitRange(buf, start, nl, out);
      }
      start = nl + 1;
    }
    return out;
  }

  /** End of stream: returns the unterminated last line, if any, and resets. */
  flush(): string[] {
    const out: string[] = [];
    if (this.pendingLen > 0 && !this.discarding) this.emit(this.pending.subarray(0, this.pendingLen), out);
    this.reset();
    return out;
  }

  /** Drops any partial line (e.g. the stream broke: its tail will never be completed). */
  reset(): void {
    this.pendingLen = 0;
    this.discarding = false;
    if (this.pending.length > 4096) this.pending = new Uint8Array(0);
  }

  private holdTail(tail: Uint8Array, out: string[]): void {
    if (this.discarding) return;
    this.append(tail);
    // One byte of slack: the tail may end in the \r of a \r\n split across chunks.
    if (this.pendingLen > this.maxLineBytes + 1) {
      this.emit(this.pending.subarray(0, this.pendingLen), out);
      this.pendingLen = 0;
      this.discarding = true;
    }
  }

  /** Keeps at most cap + 2 bytes (line, \r, one byte proving overflow): the rest is dropped anyway. */
  private append(bytes: Uint8Array): void {
    const room = this.maxLineBytes + 2 - this.pendingLen;
    if (room <= 0) return;
    const take = bytes.length > room ? bytes.subarray(0, room) : bytes;
    const need = this.pendingLen + take.length;
    if (need > this.pending.length) {
      const grown = new Uint8Array(Math.min(Math.max(need, this.pending.length * 2, 256), this.maxLineBytes + 2));
      grown.set(this.pending.subarray(0, this.pendingLen));
      this.pending = grown;
    }
    this.pending.set(take, this.pendingLen);
    this.pendingLen = need;
  }

  /** Same as emit(buf.subarray(start, end)) without the view. Buffer's UTF-8 decoding replaces bad
   *  sequences as TextDecoder does and keeps a leading U+FEFF. */
  private emitRange(buf: Buffer, start: number, end: number, out: string[]): void {
    if (end > start && buf[end - 1] === CR) end--;
    if (end - start > this.maxLineBytes) return this.emit(buf.subarray(start, end), out);
    out.push(buf.toString('utf8', start, end));
  }

  private emit(line: Uint8Array, out: string[]): void {
    const end = line.length > 0 && line[line.length - 1] === CR ? line.length - 1 : line.length;
    if (end > this.maxLineBytes) {
      out.push(this.decoder.decode(line.subarray(0, utf8Boundary(line, this.maxLineBytes))) + TRUNCATION_MARK);
      return;
    }
    out.push(this.decoder.decode(line.subarray(0, end)));
  }
}

/** Largest cut position <= max that does not split a UTF-8 sequence. */
function utf8Boundary(bytes: Uint8Array, max: number): number {
  let i = max;
  // Back off continuation bytes (10xxxxxx) so the cut lands on a character start.
  while (i > 0 && i > max - 4 && (bytes[i]! & 0xc0) === 0x80) i--;
  return i;
}
