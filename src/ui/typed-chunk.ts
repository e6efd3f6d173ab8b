// Keys typed faster than a frame, a paste, or `tmux send-keys NAME Enter` reach useInput as one chunk
// ("127.0.0.1\r"): Ink names no key for it and isPrintable refuses it because of the \r. Text fields
// take such a chunk apart as if its characters had been typed one by one.
import type { Key } from 'ink';

export interface TypedChunk {
  /** The field's text after the chunk's characters and backspaces (up to its first Enter). */
  text: string;
  /** The chunk held an Enter (\r or \n): the field should act on `text` as on Enter. */
  enter: boolean;
}

/** Null when `input` is not a multi-character chunk of text (a single key, a control sequence). */
export function applyTypedChunk(current: string, input: string, key: Key): TypedChunk | null {
  if (key.ctrl || key.meta || key.escape || input.length < 2 || input.startsWith('\u001b')) return null;
  let text = current;
  for (const c of input) {
    if (c === '\r' || c === '\n') return { text, enter: true };
    if (c === '\u007f' || c === '\b') text = Array.from(text).slice(0, -1).join('');
    else if (c >= ' ') text += c;
  }
  return { text, enter: false };
}
