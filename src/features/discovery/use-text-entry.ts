// Free-text entry for the pane's fields (targets, inventory path), safe against key bursts (a paste,
// tmux send-keys, tests writing keys in one tick) whatever order Ink calls the shell's and the
// pane's input listeners in (the shell's listener is stable; ours is re-subscribed on renders):
// - the pane listens all the time it is visible and reads refs, not state, so a key typed right
//   after `s` (before React re-rendered) is not lost;
// - when our listener runs after the shell's, the key that opened the field (`s`) still reaches
//   us once: it is skipped. When ours runs first we saw it while idle, and nothing is skipped;
// - on Enter/Esc, when our listener runs first the shell still has to hear that same key: the
//   capture is released in a microtask, so the shell ignores it (Enter would open details).
import { useRef, useState } from 'react';
import { useInput } from 'ink';
import type { ShellApi } from '../pane-types.js';
import { isPrintable, keyName } from '../../ui/keys.js';

export interface TextEntry<F extends string> {
  field: F | null;
  value: string;
  /** `trigger`: the action key that opens the field (e.g. 's'). */
  open(field: F, initial: string, trigger: string): void;
}

export function useTextEntry<F extends string>(shell: ShellApi, active: boolean, onSubmit: (field: F, value: string) => void): TextEntry<F> {
  const fieldRef = useRef<F | null>(null);
  const valueRef = useRef('');
  /** The key this listener saw while idle, during the current key event only. */
  const idleKey = useRef<string | null>(null);
  const skip = useRef<string | null>(null);
  const oursFirst = useRef(false);
  const [field, setField] = useState<F | null>(null);
  const [value, setValue] = useState('');
  const set = (v: string) => {
    valueRef.current = v;
    setValue(v);
  };
  const close = () => {
    fieldRef.current = null;
    setField(null);
    if (oursFirst.current) queueMicrotask(() => shell.captureInput(false));
    else shell.captureInput(false);
  };
  const submit = (f: F) => {
    close();
    onSubmit(f, valueRef.current);
  };
  /**
   * A burst in one chunk (a paste, tmux send-keys): its control characters act as keys in order
   * (ctrl+u clears, DEL/BS erase, CR/LF submits); any other control character is dropped so it
   * can never end up inside a target.
   */
  const typeBurst = (f: F, text: string) => {
    let v = valueRef.current;
    for (const ch of text) {
      if (ch === '\r' || ch === '\n') {
        set(v);
        submit(f);
        return;
      }
      if (ch === '\u0015') v = '';
      else if (ch === '\u007f' || ch === '\b') v = v.slice(0, -1);
      else if (ch >= ' ') v += ch;
    }
    set(v);
  };
  useInput(
    (input, key) => {
      const name = keyName(input, key);
      const f = fieldRef.current;
      if (f === null) {
        idleKey.current = name;
        queueMicrotask(() => {
          idleKey.current = null;
        });
        return;
      }
      if (skip.current !== null) {
        const trigger = skip.current;
        skip.current = null;
        if (trigger === name) return;
        // The opening key and what followed it came in one chunk ("s\r" from tmux send-keys s
        // Enter): the shell acted on its first key, the rest is ours.
        if (input.length > 1 && input.startsWith(trigger) && !input.includes('\u001b')) {
          typeBurst(f, input.slice(trigger.length));
          return;
        }
      }
      if (name === 'enter') submit(f);
      else if (name === 'escape') close();
      else if (name === 'backspace') set(valueRef.current.slice(0, -1));
      else if (name === 'ctrl+u') set('');
      else if (isPrintable(input, key)) set(valueRef.current + input);
      else if (!key.meta && input.length > 1 && !input.includes('\u001b')) typeBurst(f, input);
    },
    { isActive: active },
  );
  return {
    field,
    value,
    open(f, initial, trigger) {
      oursFirst.current = idleKey.current === trigger;
      skip.current = oursFirst.current ? null : trigger;
      fieldRef.current = f;
      set(initial);
      setField(f);
      shell.captureInput(true);
    },
  };
}
