// The hint bar and the ? help are both generated from the same tables: the shell's global keys and
// the active pane's actions. Pure, so "every key is listed" is a test, not a hope.
import type { Action } from '../pane-types.js';
import { keyLabel } from '../keys.js';
import { displayWidth, fit, wrapWords } from '../text.js';
import { commandHelp } from './commands.js';
import type { Segment } from './header-model.js';

export interface GlobalKey {
  /** As shown to the user. */
  key: string;
  label: string;
  help: string;
}

export function globalKeys(paneCount: number, canGoBack: boolean): GlobalKey[] {
  return [
    { key: `1-${paneCount}`, label: 'panes', help: 'switch pane: 1 Discovery 2 Apply 3 META 4 Status 5 Logs 6 Provision' },
    { key: '?', label: 'help', help: 'this help (q, ? or Esc closes it)' },
    { key: ':', label: 'cmd', help: 'command line (commands below; Tab completes)' },
    { key: 'q', label: canGoBack ? 'back' : 'quit', help: 'back: close overlay, return to previous pane; quits at the top' },
    { key: 'Esc', label: 'back', help: 'back, like q, but never quits' },
    { key: 'Ctrl+C', label: 'quit', help: 'quit at once' },
  ];
}

export function enabled(action: Action): boolean {
  try {
    return action.when ? action.when() : true;
  } catch {
    return false;
  }
}

/** The hint bar at most this many rows tall: a second row before anything is left out. */
export const MAX_HINT_ROWS = 2;

/**
 * Hint bar rows: the pane's enabled actions in table order (the most useful first), wrapped onto a
 * second row when one is not enough, then `? help : cmd q quit`, which always fit. Never a silent
 * cut: when even the rows are not enough, the last row says how many keys `?` has besides.
 */
export function hintRows(actions: readonly Action[], canGoBack: boolean, width: number, maxRows = MAX_HINT_ROWS): Segment[][] {
  const tail: Segment[] = [
    { text: '?', tone: 'accent' },
    { text: ' help  ', tone: 'dim' },
    { text: ':', tone: 'accent' },
    { text: ' cmd  ', tone: 'dim' },
    { text: 'q', tone: 'accent' },
    { text: canGoBack ? ' back' : ' quit', tone: 'dim' },
  ];
  const tailWidth = tail.reduce((w, s) => w + displayWidth(s.text), 0);
  if (tailWidth > width) return [[{ text: fit('? help : cmd q quit', width), tone: 'dim' }]];
  const sep = '│ ';
  const shown = actions.filter((a) => !a.hidden && enabled(a));
  const items = shown.map((a) => {
    const key = keyLabel(a.key);
    return { segs: [{ text: key, tone: a.dangerous ? 'error' : 'accent' }, { text: ` ${a.label}  `, tone: 'dim' }] as Segment[], width: displayWidth(key) + 1 + displayWidth(a.label) + 2 };
  });
  const rows: Segment[][] = [[]];
  let room = width;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const lastRow = rows.length === maxRows;
    // The last row keeps room for the global keys and, when keys are left, for the "+N ?" marker.
    const restAfter = items.length - i - 1;
    const reserve = lastRow ? tailWidth + sep.length + (restAfter > 0 ? displayWidth(`+${restAfter} more in ?  `) : 0) : 0;
    if (item.width <= room - reserve) {
      rows[rows.length - 1]!.push(...item.segs);
      room -= item.width;
      continue;
    }
    if (!lastRow) {
      rows.push([...item.segs]);
      room = width - item.width;
      continue;
    }
    rows[rows.length - 1]!.push({ text: `+${items.length - i} more in ?  `, tone: 'warn' });
    room -= displayWidth(`+${items.length - i} more in ?  `);
    break;
  }
  const last = rows[rows.length - 1]!;
  if (room < tailWidth + sep.length && last.length > 0) rows.push([]);
  const end = rows[rows.length - 1]!;
  if (end.length > 0) end.push({ text: sep, tone: 'dim' });
  end.push(...tail);
  return rows;
}

/** The hint bar as one row (tests, and callers with a single row to spare). */
export function hintSegments(actions: readonly Action[], canGoBack: boolean, width: number): Segment[] {
  return hintRows(actions, canGoBack, width, 1)[0]!;
}

export interface HelpLine {
  text: string;
  tone: Segment['tone'];
}

const KEY_COL = 14;


/** A key and its help, wrapped under the help column so a long help is read whole, not cut at 80 columns. */
function keyRows(shown: string, text: string, width: number): string[] {
  const indent = 2 + KEY_COL;
  const keyCol = `  ${shown.padEnd(KEY_COL)}`;
  // A key wider than its column (`:ctx NAME` is not) or a terminal too narrow for a help column: one cut line.
  if (displayWidth(keyCol) > indent || width - indent < 20) return [fit(`${keyCol}${text}`, width)];
  return wrapWords(text, width - indent).map((l, i) => (i === 0 ? keyCol : ' '.repeat(indent)) + l);
}

/** Another pane's table for the ? help: null while that pane has never been opened (its code is not loaded). */
export interface OtherPaneKeys {
  title: string;
  number: number;
  actions: readonly Action[] | null;
}

function actionRows(actions: readonly Action[], width: number, lines: HelpLine[]): void {
  for (const a of actions) {
    const notes = [a.dangerous ? 'DANGEROUS' : '', enabled(a) ? '' : 'not available now'].filter((n) => n !== '');
    const text = `${a.help ?? a.label}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
    const tone = a.dangerous ? 'error' : enabled(a) ? 'plain' : 'dim';
    for (const row of keyRows(keyLabel(a.key), text, width)) lines.push({ text: row, tone });
  }
}

/**
 * Every line of the ? overlay: the current pane's whole action table first (what the user came
 * for), then the global keys, the commands, and the other panes' tables, each help wrapped to `width`.
 */
export function helpLines(
  paneTitle: string,
  /** null: the pane's code is still loading (it has published no table yet). */
  actions: readonly Action[] | null,
  paneCount: number,
  canGoBack: boolean,
  width: number,
  others: readonly OtherPaneKeys[] = [],
): HelpLine[] {
  const lines: HelpLine[] = [{ text: `${paneTitle} keys`, tone: 'accent' }];
  if (actions === null) lines.push({ text: '  (loading this pane: its keys are listed once it is drawn)', tone: 'dim' });
  else if (actions.length === 0) lines.push({ text: '  (no keys right now: a field or a question has the keyboard)', tone: 'dim' });
  else actionRows(actions, width, lines);
  lines.push({ text: '', tone: 'plain' }, { text: 'Global keys', tone: 'accent' });
  for (const g of globalKeys(paneCount, canGoBack)) for (const text of keyRows(g.key, g.help, width)) lines.push({ text, tone: 'plain' });
  lines.push({ text: '', tone: 'plain' }, { text: 'Commands (after :)', tone: 'accent' });
  for (const c of commandHelp) for (const text of keyRows(`:${c.usage}`, c.help, width)) lines.push({ text, tone: 'plain' });
  for (const o of others) {
    lines.push({ text: '', tone: 'plain' }, { text: `${o.title} keys (pane ${o.number})`, tone: 'accent' });
    if (o.actions === null) lines.push({ text: `  (press ${o.number} to open it; its keys are listed here from then on)`, tone: 'dim' });
    else if (o.actions.length === 0) lines.push({ text: '  (no keys right now: a field or a question has the keyboard)', tone: 'dim' });
    else actionRows(o.actions, width, lines);
  }
  return lines;
}
