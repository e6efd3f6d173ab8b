// What one key does to a one-line text field: pure, so it is tested directly and every field in the
// console edits the same way (discovery targets, the logs filter, the status prompts, ...).
import type { KeyPress } from '../pane-types.js';

export type EditResult =
  | { kind: 'edit'; value: string }
  | { kind: 'submit'; value: string }
  | { kind: 'cancel' }
  /** A key a field does not take (arrows, tab, other control keys): dropped. */
  | { kind: 'ignore' };

export function editKey(value: string, key: KeyPress): EditResult {
  switch (key.name) {
    case 'enter':
      return { kind: 'submit', value };
    case 'escape':
      return { kind: 'cancel' };
    case 'backspace':
      return { kind: 'edit', value: Array.from(value).slice(0, -1).join('') };
    case 'ctrl+u':
      return { kind: 'edit', value: '' };
    case 'ctrl+w':
      return { kind: 'edit', value: value.replace(/\S*\s*$/, '') };
  }
  // Never let a control character into the text (a target, a path), even one Ink passes as text.
  if (key.text === '' || /[\u0000-\u001f\u007f]/.test(key.text)) return { kind: 'ignore' };
  return { kind: 'edit', value: value + key.text };
}
