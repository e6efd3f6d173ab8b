import { describe, expect, it } from 'vitest';
import { sanitizeLine } from '../../src/core/terminal-text.js';
import { displayWidth, truncateColumns, wrapColumns, wrappedRowCount } from '../../src/core/logs/text-width.js';

describe('text width', () => {
  it('counts wide CJK and emoji as two columns and combining marks as zero', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('🚀x')).toBe(3);
    expect(displayWidth('e\u0301')).toBe(1);
  });

  it('wraps without splitting a wide character or a surrogate pair', () => {
    expect(wrapColumns('abcdefg', 3)).toEqual(['abc', 'def', 'g']);
    expect(wrapColumns('ab日本', 3)).toEqual(['ab', '日', '本']);
    expect(wrapColumns('🚀🚀🚀', 5)).toEqual(['🚀🚀', '🚀']);
    expect(wrapColumns('', 5)).toEqual(['']);
    expect(wrappedRowCount('ab日本', 3)).toBe(3);
  });

  it('truncates to the columns that fit', () => {
    expect(truncateColumns('abcdef', 4)).toBe('abcd');
    expect(truncateColumns('a日本', 4)).toBe('a日');
  });
});

describe('sanitizeLine', () => {
  it('leaves ordinary text untouched (same string)', () => {
    const s = 'plain µs text';
    expect(sanitizeLine(s)).toBe(s);
  });

  it('removes colour/cursor escape sequences, OSC titles and control characters', () => {
    expect(sanitizeLine('\x1b[1;31mERROR\x1b[0m done')).toBe('ERROR done');
    expect(sanitizeLine('\x1b]0;title\x07after')).toBe('after');
    expect(sanitizeLine('bell\x07 back\bspace\r')).toBe('bell backspace');
  });

  it('expands tabs to 8-column stops', () => {
    expect(sanitizeLine('a\tb')).toBe('a       b');
    expect(sanitizeLine('\tx')).toBe('        x');
  });
});
