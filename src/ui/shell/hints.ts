// The hint bar and the ? help are both generated from the same tables: the shell's global keys and
// the active pane's actions. Pure, so "every key is listed" is a test, not a hope.
import type { Action } from '../../features/pane-types.js';
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

/** Hint bar segments: the pane's enabled actions, cut to fit, then `? help : cmd q quit` which always fit. */
export function hintSegments(actions: readonly Action[], canGoBack: boolean, width: number): Segment[] {
  const tail: Segment[] = [
    { text: '?', tone: 'accent' },
    { text: ' help  ', tone: 'dim' },
    { text: ':', tone: 'accent' },
    { text: ' cmd  ', tone: 'dim' },
    { text: 'q', tone: 'accent' },
    { text: canGoBack ? ' back' : ' quit', tone: 'dim' },
  ];
  const tailWidth = tail.reduce((w, s) => w + displayWidth(s.text), 0);
  if (tailWidth > width) return [{ text: fit('? help : cmd q quit', width), tone: 'dim' }];
  const sep = ' │ ';
  let room = width - tailWidth - sep.length;
  const out: Segment[] = [];
  const shown = actions.filter((a) => !a.hidden && enabled(a));
  for (let i = 0; i < shown.length; i++) {
    const a = shown[i]!;
    const key = keyLabel(a.key);
    const item = displayWidth(key) + 1 + displayWidth(a.label) + 2;
    const rest = shown.length - i - 1;
    // Keep room for a "… " when more hints follow.
    if (item > room - (rest > 0 ? 2 : 0)) {
      if (room >= 2) out.push({ text: '… ', tone: 'dim' });
      break;
    }
    out.push({ text: key, tone: a.dangerous ? 'error' : 'accent' }, { text: ` ${a.label}  `, tone: 'dim' });
    room -= item;
  }
  if (out.length > 0) out.push({ text: sep.trimStart(), tone: 'dim' });
  return [...out, ...tail];
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

/** Every line of the ? overlay: global keys, then the pane's whole action table with its help text (wrapped to `width`). */
export function helpLines(paneTitle: string, actions: readonly Action[], paneCount: number, canGoBack: boolean, width: number): HelpLine[] {
  const lines: HelpLine[] = [{ text: 'Global keys', tone: 'accent' }];
  for (const g of globalKeys(paneCount, canGoBack)) for (const text of keyRows(g.key, g.help, width)) lines.push({ text, tone: 'plain' });
  lines.push({ text: '', tone: 'plain' }, { text: `${paneTitle} keys`, tone: 'accent' });
  if (actions.length === 0) lines.push({ text: '  (this pane has no keys of its own yet)', tone: 'dim' });
  for (const a of actions) {
    const notes = [a.dangerous ? 'DANGEROUS' : '', enabled(a) ? '' : 'not available now'].filter((n) => n !== '');
    const text = `${a.help ?? a.label}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
    const tone = a.dangerous ? 'error' : enabled(a) ? 'plain' : 'dim';
    for (const row of keyRows(keyLabel(a.key), text, width)) lines.push({ text: row, tone });
  }
  lines.push({ text: '', tone: 'plain' }, { text: 'Commands (after :)', tone: 'accent' });
  for (const c of commandHelp) for (const text of keyRows(`:${c.usage}`, c.help, width)) lines.push({ text, tone: 'plain' });
  return lines;
}
