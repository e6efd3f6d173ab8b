// One name per key press, so action tables can say 'enter' or 'ctrl+r' instead of testing Ink's Key flags.
import type { Key } from 'ink';
import type { KeyPress } from './pane-types.js';

/** Ink's (input, key) pair -> the name used in Action.key: a printable character or a named key. */
export function keyName(input: string, key: Key): string {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return || input === '\r' || input === '\n') return 'enter';
  if (key.escape || input === '\u001B') return 'escape';
  if (key.tab || input === '\t') return key.shift ? 'shift+tab' : 'tab';
  // Terminals send DEL (0x7f) for the Backspace key and Ink names it "delete": treat both as backspace.
  if (key.backspace || key.delete || input === '\u007F' || input === '\b') return 'backspace';
  if (key.ctrl && input.length === 1) return `ctrl+${input.toLowerCase()}`;
  return input;
}

/** How a key name is shown in the hint bar and help: <enter>, <ctrl+r>, r. */
const KEY_LABELS: Record<string, string> = {
  escape: 'Esc',
  enter: 'Enter',
  tab: 'Tab',
  'shift+tab': 'S-Tab',
  up: '↑',
  down: '↓',
  left: '←',
  right: '→',
  pageup: 'PgUp',
  pagedown: 'PgDn',
  home: 'Home',
  end: 'End',
  backspace: 'Bksp',
  delete: 'Del',
  space: 'Space',
};

/** How a key is written in the hint bar and ? help: the way the global keys are written (Esc, Enter, ^R). */
export function keyLabel(name: string): string {
  // A blank in the key column reads as "no key": Space is named.
  if (name === ' ') return 'Space';
  if (name.length === 1) return name;
  const ctrl = /^ctrl\+(.)$/.exec(name);
  if (ctrl) return `^${ctrl[1]!.toUpperCase()}`;
  return KEY_LABELS[name] ?? name;
}

/** A single printable character a text field should insert (not a control or escape sequence). */
export function isPrintable(input: string, key: Key): boolean {
  return !key.ctrl && !key.meta && input.length > 0 && !/[\u0000-\u001f\u007f]/.test(input);
}

/** The name of one character of a multi-key chunk: control characters become the keys they are. */
function charKey(c: string): KeyPress {
  if (c === '\r' || c === '\n') return { name: 'enter', text: '' };
  if (c === '\t') return { name: 'tab', text: '' };
  if (c === '\u007F' || c === '\b') return { name: 'backspace', text: '' };
  if (c === '\u001B') return { name: 'escape', text: '' };
  const code = c.codePointAt(0)!;
  if (code < 0x20) return { name: `ctrl+${String.fromCharCode(code + 0x60)}`, text: '' };
  return { name: c, text: c };
}

/**
 * Ink's (input, key) -> the key presses it stands for. Ink hands keys typed faster than a frame, a
 * paste or `tmux send-keys` as ONE input ("/\u0015abc\rR"); escape sequences always come on their own.
 * Such a chunk is taken apart character by character, so Ctrl-U, Backspace and Enter inside it act
 * as those keys, in order.
 */
export function splitKeys(input: string, key: Key): KeyPress[] {
  const chars = Array.from(input);
  if (chars.length > 1 && !key.ctrl && !key.meta && !input.startsWith('\u001B')) return chars.map(charKey);
  return [{ name: keyName(input, key), text: isPrintable(input, key) ? input : '' }];
}
