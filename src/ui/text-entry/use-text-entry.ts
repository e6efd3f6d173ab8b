// THE text entry of the console: one hook for every pane's free text (targets, inventory path, logs
// filter / save path / tail, the status prompts). The pane owns the state; the keys come from the
// shell, not from Ink's useInput:
// - open() calls shell.captureKeys(handler) synchronously inside the action's run(), so the keys that
//   follow the opening key in the SAME input chunk ("/", ^U, "abc", Enter, "R" in one write) are
//   already the field's. A field listening through Ink's useInput is attached in an effect after the
//   frame that draws it, and loses (or leaves to the shell) the rest of that chunk;
// - Enter and Esc release the keyboard at once, so a key after them in the same chunk runs the
//   pane's action table ("R" toggles regex right after the filter was typed);
// - state lives in refs (read by the handler) mirrored into React state (drawn), so a burst never
//   edits the text of an older frame.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { KeyPress, ShellApi } from '../pane-types.js';
import { editKey } from './text-edit.js';

export interface TextEntryHandlers<F extends string> {
  /** Enter: the field is already closed when this runs (it may open another field). */
  onSubmit(field: F, value: string): void;
  /** Esc: the field is already closed. */
  onCancel?(field: F): void;
  /** After each edit of the text (a filter applied while typing). */
  onChange?(field: F, value: string): void;
  /** Seen first: return true when it handled the key (^R in a filter, y/n in a question). */
  onKey?(field: F, key: KeyPress, value: string): boolean;
}

export interface TextEntry<F extends string> {
  /** The open field, or null. */
  field: F | null;
  /** Its text as of the last render. */
  value: string;
  /** Opens `field` with `initial` text and takes the keyboard now (for the rest of this input chunk too). */
  open(field: F, initial?: string): void;
  /** Closes it without onSubmit/onCancel and gives the keyboard back. */
  close(): void;
  /** Replaces the text (and calls no handler). */
  setValue(value: string): void;
  /** The field and text as of now (not of the last render). */
  current(): { field: F | null; value: string };
}

interface EntryState<F extends string> {
  field: F | null;
  value: string;
}

export function useTextEntry<F extends string>(shell: ShellApi, handlers: TextEntryHandlers<F>): TextEntry<F> {
  const handlersRef = useRef(handlers);
  handlersRef.current = handlers;
  const ref = useRef<EntryState<F>>({ field: null, value: '' });
  const [state, setState] = useState<EntryState<F>>(ref.current);
  const put = useCallback((next: EntryState<F>) => {
    ref.current = next;
    setState(next);
  }, []);

  const close = useCallback(() => {
    if (ref.current.field === null) return;
    put({ field: null, value: '' });
    shell.captureKeys(null);
  }, [shell, put]);

  const onKey = useCallback(
    (key: KeyPress) => {
      const { field, value } = ref.current;
      if (field === null) return;
      const h = handlersRef.current;
      if (h.onKey?.(field, key, value)) return;
      const r = editKey(value, key);
      if (r.kind === 'edit') {
        if (r.value === value) return;
        put({ field, value: r.value });
        h.onChange?.(field, r.value);
      } else if (r.kind === 'submit') {
        close();
        h.onSubmit(field, r.value);
      } else if (r.kind === 'cancel') {
        close();
        h.onCancel?.(field);
      }
    },
    [close, put],
  );

  // An entry that unmounts while open must not leave the shell's keyboard with a dead handler.
  useEffect(
    () => () => {
      if (ref.current.field !== null) shell.captureKeys(null);
    },
    [shell],
  );

  return {
    field: state.field,
    value: state.value,
    open: (field, initial = '') => {
      put({ field, value: initial });
      shell.captureKeys(onKey);
    },
    close,
    setValue: (value) => {
      if (ref.current.field !== null) put({ field: ref.current.field, value });
    },
    current: () => ref.current,
  };
}
