// The one-line text field as drawn, for every pane: a prompt, the text (its end when too long: that is
// where the typing happens), a block cursor, and an optional hint right-aligned after it ("^R regex
// off", or why the entry is refused) that never squeezes the text below a dozen columns.
// Keys: see use-text-entry.ts.
import type { Segment, Tone } from '../shell/header-model.js';
import { Line } from '../shell/Line.js';
import { displayWidth, fit } from '../text.js';

export interface TextFieldProps {
  /** Drawn before the text, as is ("/ filter: ", "targets: "). */
  prompt: string;
  value: string;
  width: number;
  hint?: string;
  hintTone?: Tone;
  /** The cursor drawn after the text: a block by default, '_' in the prompt boxes. */
  cursor?: string;
}

const MIN_TEXT_ROOM = 12;

/** The end of `text` in at most `room` columns, with … in front when cut. */
function tail(text: string, room: number): string {
  if (displayWidth(text) <= room) return text;
  const chars = Array.from(text);
  let out = '';
  for (let i = chars.length - 1; i >= 0 && displayWidth(chars[i] + out) <= room - 1; i--) out = chars[i] + out;
  return '…' + out;
}

export function TextField({ prompt, value, width, hint = '', hintTone = 'dim', cursor = '█' }: TextFieldProps) {
  const promptWidth = displayWidth(prompt);
  const hintRoom = Math.max(0, width - promptWidth - Math.max(MIN_TEXT_ROOM, displayWidth(value) + 1) - 2);
  const shownHint = hint && hintRoom >= 8 ? fit(hint, hintRoom) : '';
  const room = Math.max(1, width - promptWidth - 1 - (shownHint ? displayWidth(shownHint) + 2 : 0));
  const shown = tail(value, room);
  const used = promptWidth + displayWidth(shown) + 1;
  const segments: Segment[] = [
    { text: fit(prompt, Math.max(1, width - 2)), tone: 'accent' },
    { text: shown, tone: 'plain' },
    { text: cursor, tone: cursor === '█' ? 'accent' : 'dim' },
  ];
  if (shownHint) segments.push({ text: ' '.repeat(Math.max(2, width - used - displayWidth(shownHint))), tone: 'plain' }, { text: shownHint, tone: hintTone });
  return <Line segments={segments} />;
}
