import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter, TRUNCATION_MARK } from '../../src/core/logs/line-splitter.js';

const enc = new TextEncoder();

/** Cuts bytes at the given positions (sorted, deduplicated, in range). */
function cut(bytes: Uint8Array, positions: number[]): Uint8Array[] {
  const points = [...new Set(positions.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  out.push(bytes.subarray(prev));
  return out;
}

describe('LineSplitter', () => {
  it('joins a line split across chunks and keeps the partial tail', () => {
    const s = new LineSplitter();
    expect(s.push(enc.encode('hello wo'))).toEqual([]);
    expect(s.pendingBytes).toBe(8);
    expect(s.push(enc.encode('rld\nsecond\nthi'))).toEqual(['hello world', 'second']);
    expect(s.push(enc.encode('rd\n'))).toEqual(['third']);
    expect(s.pendingBytes).toBe(0);
  });

  it('decodes a multi-byte character cut between chunks', () => {
    const bytes = enc.encode('µs → 日本 🚀\n');
    // Cut inside every multi-byte sequence, one byte at a time.
    const s = new LineSplitter();
    const out: string[] = [];
    for (let i = 0; i < bytes.length; i++) out.push(...s.push(bytes.subarray(i, i + 1)));
    expect(out).toEqual(['µs → 日本 🚀']);
  });

  it('strips \\r of \\r\\n, also when \\r and \\n arrive in different chunks', () => {
    const s = new LineSplitter();
    expect(s.push(enc.encode('a\r\nb\r'))).toEqual(['a']);
    expect(s.push(enc.encode('\nc\rd\n'))).toEqual(['b', 'c\rd']);
  });

  it('keeps empty lines', () => {
    expect(new LineSplitter().push(enc.encode('\n\nx\n'))).toEqual(['', '', 'x']);
  });

  it('flush returns the unterminated last line once', () => {
    const s = new LineSplitter();
    s.push(enc.encode('done\npartial'));
    expect(s.flush()).toEqual(['partial']);
    expect(s.flush()).toEqual([]);
  });

  it('reset drops a half-received line (stream broke)', () => {
    const s = new LineSplitter();
    s.push(enc.encode('half of a li'));
    s.reset();
    expect(s.push(enc.encode('fresh\n'))).toEqual(['fresh']);
  });

  it('caps a runaway line, drops its rest, and resumes at the next newline', () => {
    const s = new LineSplitter({ maxLineBytes: 32 });
    const out: string[] = [];
    for (let i = 0; i < 100; i++) out.push(...s.push(enc.encode('x'.repeat(10))));
    expect(s.pendingBytes).toBeLessThanOrEqual(34); // bounded memory while the line runs on
    out.push(...s.push(enc.encode('yyy\nnext\n')));
    expect(out).toEqual(['x'.repeat(32) + TRUNCATION_MARK, 'next']);
  });

  it('caps a long line delivered in one chunk, without splitting a character', () => {
    const s = new LineSplitter({ maxLineBytes: 20 });
    const line = 'ab' + 'é'.repeat(20); // é = 2 bytes: the cut at 20 bytes lands mid-character
    const [first, second] = s.push(enc.encode(`${line}\nok\n`));
    expect(first!.endsWith(TRUNCATION_MARK)).toBe(true);
    const kept = first!.slice(0, -TRUNCATION_MARK.length);
    expect(kept).toBe('ab' + 'é'.repeat(9));
    expect(kept).not.toContain('\ufffd');
    expect(second).toBe('ok');
  });

  it('a line exactly at the cap, with \\r\\n, is not truncated', () => {
    const s = new LineSplitter({ maxLineBytes: 16 });
    const line = 'z'.repeat(16);
    expect(s.push(enc.encode(line.slice(0, 10)))).toEqual([]);
    expect(s.push(enc.encode(line.slice(10) + '\r'))).toEqual([]);
    expect(s.push(enc.encode('\n'))).toEqual([line]);
  });

  it('property: any chunking of any text gives the same lines', () => {
    const lineArb = fc.string({ unit: 'grapheme', maxLength: 40 }).map((l) => l.replace(/[\r\n]/g, ''));
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 12 }), fc.boolean(), (lines, cuts, crlf) => {
        const text = lines.map((l) => l + (crlf ? '\r\n' : '\n')).join('');
        const s = new LineSplitter();
        const out: string[] = [];
        for (const chunk of cut(enc.encode(text), cuts)) out.push(...s.push(chunk));
        out.push(...s.flush());
        expect(out).toEqual(lines);
      }),
      { numRuns: 300 },
    );
  });
});

describe('LineSplitter decoding', () => {
  it('decodes any bytes exactly as TextDecoder (bad UTF-8 replaced, a leading BOM kept), however the chunks are cut', () => {
    const ref = new TextDecoder('utf-8', { ignoreBOM: true });
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 30 }).map((b) => b.map((x) => (x === 0x0a || x === 0x0d ? 0xef : x))), { minLength: 1, maxLength: 8 }), fc.nat(300), (lines, cut) => {
        const whole = new Uint8Array(lines.reduce((n, l) => n + l.length + 1, 0));
        let off = 0;
        for (const l of lines) {
          whole.set(l, off);
          whole[off + l.length] = 0x0a;
          off += l.length + 1;
        }
        const at = cut % (whole.length + 1);
        const s = new LineSplitter();
        const got = [...s.push(whole.slice(0, at)), ...s.push(Buffer.from(whole.slice(at)))];
        expect(got).toEqual(lines.map((l) => ref.decode(l)));
      }),
    );
    expect(new LineSplitter().push(new Uint8Array([0xef, 0xbb, 0xbf, 0x41, 0xff, 0x0a]))).toEqual(['\ufeffA\ufffd']);
  });
});
