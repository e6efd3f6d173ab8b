// `/` on a table pane (Discovery, Status, Provision): a case-insensitive regular expression matched
// against each row's text, as k9s filters its views. Enter keeps it; an invalid expression is
// reported and the previous filter stays; Esc clears it. One hook, so every table filters alike.
import { useRef, useState, type ReactNode } from 'react';
import type { Action, ShellApi } from './pane-types.js';
import { TextField, useTextEntry } from './text-entry/index.js';

export type CompiledFilter = { ok: true; text: string; re: RegExp } | { ok: false; error: string };

/** The filter text as a case-insensitive regex, or why it is not one. Pure. */
export function compileRowFilter(text: string): CompiledFilter {
  try {
    return { ok: true, text, re: new RegExp(text, 'i') };
  } catch (err) {
    return { ok: false, error: `"${text}" is not a valid regular expression: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}` };
  }
}

export interface RowFilter {
  /** The filter in force, or null. */
  text: string | null;
  /** Does a row with this text pass (always, without a filter)? Reads the latest filter (safe in actions). */
  matches(rowText: string): boolean;
  /** `/` and Esc (clear), to append to the pane's table. */
  actions: Action[];
  /** The field while it is open (draw it where the pane shows its first line), else null. */
  field(width: number): ReactNode;
  /** " · filter /x/ (3 of 12)" for a heading, or ''. */
  label(shown: number, total: number): string;
}

export function useRowFilter(shell: ShellApi, what: string): RowFilter {
  const [filter, setFilter] = useState<{ text: string; re: RegExp } | null>(null);
  const ref = useRef(filter);
  ref.current = filter;
  const entry = useTextEntry<'filter'>(shell, {
    onSubmit(_field, value) {
      if (value.trim() === '') {
        ref.current = null;
        setFilter(null);
        return;
      }
      const c = compileRowFilter(value);
      if (!c.ok) {
        shell.setStatus(`filter not changed: ${c.error}`, 'error');
        return;
      }
      ref.current = { text: c.text, re: c.re };
      setFilter(ref.current);
    },
  });
  return {
    text: filter?.text ?? null,
    matches: (rowText) => ref.current === null || ref.current.re.test(rowText),
    actions: [
      { key: '/', label: 'filter', help: `filter the ${what}: a regular expression, case-insensitive, matched against each row; Enter keeps it, an invalid one keeps the previous filter`, run: () => entry.open('filter', ref.current?.text ?? '') },
      {
        key: 'escape',
        label: 'unfilter',
        help: 'clear the filter',
        when: () => ref.current !== null,
        run: () => {
          ref.current = null;
          setFilter(null);
        },
      },
    ],
    field: (width) => (entry.field ? <TextField prompt="/ filter: " value={entry.value} width={width} /> : null),
    label: (shown, total) => (filter ? ` · filter /${filter.text}/ (${shown} of ${total})` : ''),
  };
}
