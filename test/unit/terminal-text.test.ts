// The cleaner every node string and echoed user string passes through: nothing a terminal executes
// survives (OSC 52 clipboard, OSC 0 title, OSC 8 link, DCS, 8-bit CSI/OSC, CR, BEL), the words do.
import { describe, expect, it } from 'vitest';
import { safeText, sanitizeLine } from '../../src/core/terminal-text.js';
import { safeMessage, safeValue } from '../../src/talos/safe-message.js';

const EXECUTABLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

describe('safeText', () => {
  it.each([
    ['OSC 52 clipboard (BEL)', 'a\x1b]52;c;cm0gLXJmIH4=\x07b', 'ab'],
    ['OSC 52 clipboard (ST)', 'a\x1b]52;c;cm0=\x1b\\b', 'ab'],
    ['OSC 0 title', '\x1b]0;pwned\x07host', 'host'],
    ['OSC 8 link keeps the text', '\x1b]8;;https://x\x1b\\click\x1b]8;;\x1b\\', 'click'],
    ['CSI clear screen', 'x\x1b[2J\x1b[Hy', 'xy'],
    ['DCS string', 'a\x1bPq#0;2;0;0;0\x1b\\b', 'ab'],
    ['8-bit OSC', 'a\x9d0;t\x9cb', 'ab'],
    ['8-bit CSI', 'a\x9b2Jb', 'ab'],
    ['CR and BEL', 'ok\r\x07', 'ok'],
    ['charset designation', 'a\x1b(0b', 'ab'],
  ])('%s', (_name, input, expected) => {
    expect(safeText(input)).toBe(expected);
    expect(EXECUTABLE.test(sanitizeLine(input))).toBe(false);
  });

  it('keeps newlines and tabs of multi-line text, and clean text is the same string', () => {
    expect(safeText('a:\n\tb: 1\n')).toBe('a:\n\tb: 1\n');
    const s = 'plain µs 日本';
    expect(safeText(s)).toBe(s);
  });
});

describe('safeMessage / safeValue', () => {
  it('cleans strings at any depth, map keys too, and leaves bytes alone', () => {
    const bytes = new Uint8Array([0x1b, 0x5d]);
    const msg = { metadata: { hostname: 'h\x1b]0;t\x07' }, list: ['\x1b[2Jx'], labels: { 'k\x1b[1m': 'v' }, data: bytes };
    safeMessage(msg);
    expect(msg).toEqual({ metadata: { hostname: 'h' }, list: ['x'], labels: { k: 'v' }, data: bytes });
    expect(msg.data[0]).toBe(0x1b);
    expect(safeValue('\x1b]52;c;x\x07controlplane')).toBe('controlplane');
  });
});
