// The Logs pane's one text field at the bottom (filter, save path, tail, typed log id): what each
// kind starts with and what enter does. The filter applies while typing; esc restores the one
// from before the field opened. Built on src/ui/text-entry.
import { useRef } from 'react';
import type { FilterSpec } from '../../core/logs/filter.js';
import { useTextEntry } from '../../ui/text-entry/index.js';
import type { ShellApi } from '../../ui/pane-types.js';
import type { InputKind } from './actions.js';
import type { LogsController } from './controller.js';
import { defaultSavePath, saveText } from './save.js';
import { parseSelector, type LogSelector } from '../../core/logs/selector.js';

export function useLogsInput(ctl: LogsController, shell: ShellApi, onTypedSelector: (selector: LogSelector) => void) {
  /** The filter before editing, restored by esc. */
  const previousFilter = useRef<FilterSpec | null>(null);

  const submit = (kind: InputKind, typed: string) => {
    const text = typed.trim();
    switch (kind) {
      case 'filter':
        return; // applied while typing
      case 'save': {
        const body = ctl.model.renderForSave();
        void saveText(text, body).then(
          (r) => shell.setStatus(`wrote ${r.lines.toLocaleString('en')} line${r.lines === 1 ? '' : 's'} to ${r.path}`, 'ok'),
          (err: unknown) => shell.setStatus(err instanceof Error ? err.message : String(err), 'error'),
        );
        return;
      }
      case 'tail': {
        const n = text === 'all' || text === '-1' ? -1 : /^\d+$/.test(text) ? Number(text) : NaN;
        if (!Number.isSafeInteger(n)) {
          shell.setStatus(`tail takes a whole number of lines, or "all": not "${typed}"`, 'error');
          return;
        }
        ctl.model.setTailLines(n);
        ctl.streams.restartAll();
        shell.setStatus(n < 0 ? 'every log restarts with all the lines its node keeps' : `every log restarts with its last ${n} lines`, 'info');
        return;
      }
      case 'typed': {
        const selector = parseSelector(text);
        if (!selector) {
          shell.setStatus('type a service id (kubelet) or a Kubernetes container id (kube-system/pod:container:id)', 'warn');
          return;
        }
        onTypedSelector(selector);
        return;
      }
    }
  };

  const entry = useTextEntry<InputKind>(shell, {
    onKey(kind, key) {
      if (kind !== 'filter') return false;
      const model = ctl.model;
      if (key.name === 'ctrl+r') model.setFilter({ ...model.filter, regex: !model.filter.regex });
      else if (key.name === 'ctrl+n') model.setFilter({ ...model.filter, invert: !model.filter.invert });
      else return false;
      return true;
    },
    // The filter applies while typing.
    onChange(kind, text) {
      if (kind === 'filter') ctl.model.setFilter({ ...ctl.model.filter, text });
    },
    onCancel(kind) {
      if (kind === 'filter' && previousFilter.current) ctl.model.setFilter(previousFilter.current);
    },
    onSubmit: submit,
  });

  const openInput = (kind: InputKind) => {
    const model = ctl.model;
    const text = kind === 'filter' ? model.filter.text : kind === 'save' ? defaultSavePath() : kind === 'tail' ? (model.tailLines < 0 ? 'all' : String(model.tailLines)) : '';
    previousFilter.current = kind === 'filter' ? { ...model.filter } : null;
    // Takes the keyboard now: the rest of this input chunk ("/", ^U, "abc", Enter) is the field's.
    entry.open(kind, text);
  };

  return { entry, openInput };
}
