// A pane's modal question, on the shared text entry: "type the node name" (ConfirmDangerous), y/N,
// or a file path (PathPrompt). confirm()/askPath() take the keyboard at once, inside the action's
// run(), so "D" then "cp1\r" in one input chunk confirms; the answer is decided here, the pane only
// draws `render(width)` and gives up `rows` rows for it.
import { useRef, useState, type ReactNode } from 'react';
import type { ShellApi } from './pane-types.js';
import { ConfirmDangerous, confirmRows, type ConfirmRequest } from './ConfirmDangerous.js';
import { PATH_PROMPT_ROWS, PathPrompt } from './PathPrompt.js';
import { useTextEntry } from './text-entry/index.js';

export interface PathRequest {
  title: string;
  initial: string;
  onSubmit(path: string): void;
  onCancel?(): void;
}

type Dialog = { kind: 'confirm'; request: ConfirmRequest; wrong: string | null } | { kind: 'path'; request: PathRequest; problem: string };

export interface Prompt {
  /** True while a question is shown (the pane's action table should be empty). */
  open: boolean;
  /** Rows it takes at the bottom of the pane (0 when closed). */
  rows: number;
  confirm(request: ConfirmRequest): void;
  askPath(request: PathRequest): void;
  render(width: number): ReactNode;
}

const EMPTY_PATH = 'type a file name (or Esc to cancel)';

export function usePrompt(shell: ShellApi): Prompt {
  const dialogRef = useRef<Dialog | null>(null);
  const [dialog, setDialogState] = useState<Dialog | null>(null);
  const setDialog = (d: Dialog | null) => {
    dialogRef.current = d;
    setDialogState(d);
  };
  const cancelled = (d: Dialog) => {
    setDialog(null);
    if (d.kind === 'confirm') shell.setStatus('cancelled: nothing was done', 'info');
    else d.request.onCancel?.();
  };
  const entry = useTextEntry<Dialog['kind']>(shell, {
    onKey(_field, key, value) {
      const d = dialogRef.current;
      if (!d) return false;
      if (d.kind === 'confirm' && d.request.expect === null) {
        // y/N: any key answers; only y says yes.
        entry.close();
        if (key.name === 'y' || key.name === 'Y') {
          setDialog(null);
          d.request.onConfirm();
        } else cancelled(d);
        return true;
      }
      if (key.name !== 'enter') return false;
      // A wrong name or an empty path keeps the question open.
      if (d.kind === 'confirm' && value !== d.request.expect) {
        setDialog({ ...d, wrong: value });
        return true;
      }
      if (d.kind === 'path' && value.trim() === '') {
        setDialog({ ...d, problem: EMPTY_PATH });
        return true;
      }
      return false;
    },
    onSubmit(_field, value) {
      const d = dialogRef.current;
      if (!d) return;
      setDialog(null);
      if (d.kind === 'confirm') d.request.onConfirm();
      else d.request.onSubmit(value.trim());
    },
    onCancel() {
      const d = dialogRef.current;
      if (d) cancelled(d);
    },
  });

  return {
    open: dialog !== null,
    rows: dialog === null ? 0 : dialog.kind === 'confirm' ? confirmRows(dialog.request) : PATH_PROMPT_ROWS,
    confirm(request) {
      setDialog({ kind: 'confirm', request, wrong: null });
      entry.open('confirm', '');
    },
    askPath(request) {
      setDialog({ kind: 'path', request, problem: '' });
      entry.open('path', request.initial);
    },
    render(width) {
      if (!dialog) return null;
      return dialog.kind === 'confirm' ? (
        <ConfirmDangerous request={dialog.request} typed={entry.value} wrong={dialog.wrong} width={width} />
      ) : (
        <PathPrompt title={dialog.request.title} value={entry.value} problem={dialog.problem} width={width} />
      );
    },
  };
}
