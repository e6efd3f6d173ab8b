// The log filter: compiled once per change of the spec, then tested on each arriving line.
// A bad regex is an error value for the filter bar, never an exception into the UI.

import { EntryList, type LogEntry } from './ring-buffer.js';

export interface FilterSpec {
  text: string;
  regex: boolean;
  invert: boolean;
  /** Default false: operators grep for "error" and expect "Error" too. */
  caseSensitive?: boolean;
}

export type CompiledFilter =
  | {
      ok: true;
      spec: FilterSpec;
      /** False when the text is empty: every line passes and no work is done per line. */
      active: boolean;
      test: (line: string) => boolean;
      /** One line for the filter bar, e.g. `/err(or)?/i` or `!"timeout"`. */
      describe: string;
    }
  | { ok: false; spec: FilterSpec; error: string };

export const EMPTY_FILTER: FilterSpec = Object.freeze({ text: '', regex: false, invert: false });

const passAll = (): boolean => true;

export function compileFilter(spec: FilterSpec): CompiledFilter {
  const caseSensitive = spec.caseSensitive === true;
  if (spec.text === '') return { ok: true, spec, active: false, test: passAll, describe: '' };

  let match: (line: string) => boolean;
  if (spec.regex) {
    let re: RegExp;
    try {
      // Never 'g' or 'y': RegExp.test with those keeps lastIndex between lines and skips matches.
      re = new RegExp(spec.text, caseSensitive ? '' : 'i');
    } catch (err) {
      return { ok: false, spec, error: `invalid regular expression /${spec.text}/: ${reason(err)}` };
    }
    match = (line) => re.test(line);
  } else if (caseSensitive) {
    const needle = spec.text;
    match = (line) => line.includes(needle);
  } else {
    // A case-insensitive literal as a regex: V8 scans it without lower-casing (allocating) each line.
    const re = new RegExp(escapeRegExp(spec.text), 'i');
    match = (line) => re.test(line);
  }

  const test = spec.invert ? (line: string) => !match(line) : match;
  const body = spec.regex ? `/${spec.text}/${caseSensitive ? '' : 'i'}` : `"${spec.text}"${caseSensitive ? '' : ' (any case)'}`;
  return { ok: true, spec, active: true, test, describe: (spec.invert ? 'not ' : '') + body };
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function reason(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  // V8: "Invalid regular expression: /(/iu: Unterminated group" -> "Unterminated group"
  const i = msg.lastIndexOf(': ');
  return i >= 0 ? msg.slice(i + 2) : msg;
}

/**
 * The filtered view kept up to date as lines arrive: each new entry is tested once, and only
 * a change of filter rescans the buffer. Gap markers and info lines always pass: hiding the
 * notice that lines were lost would mislead whoever reads the filtered output.
 */
export class FilteredView {
  private current: Extract<CompiledFilter, { ok: true }> = compileFilter(EMPTY_FILTER) as Extract<CompiledFilter, { ok: true }>;
  private readonly matched = new EntryList();

  constructor(private readonly all: EntryList) {}

  /** The list to draw: the whole buffer when no filter is active. */
  get list(): EntryList {
    return this.current.active ? this.matched : this.all;
  }

  get filter(): Extract<CompiledFilter, { ok: true }> {
    return this.current;
  }

  passes(e: LogEntry): boolean {
    return !this.current.active || e.kind !== 'line' || this.current.test(e.text);
  }

  /** Tests one new entry (already pushed to the buffer); returns whether it is in the view. */
  offer(e: LogEntry): boolean {
    if (!this.current.active) return true;
    if (e.kind !== 'line' || this.current.test(e.text)) {
      this.matched.push(e);
      return true;
    }
    return false;
  }

  /** Switches filter and rebuilds the view from the live entries (one scan per change). */
  apply(filter: Extract<CompiledFilter, { ok: true }>): void {
    this.current = filter;
    this.matched.clear();
    if (!filter.active) return;
    for (const e of this.all.live()) if (e.kind !== 'line' || filter.test(e.text)) this.matched.push(e);
  }

  /** After the buffer was cleared. */
  reset(): void {
    this.matched.clear();
  }
}
