// The one-row text field at the bottom of the Logs pane (filter, save path, tail, typed log id).
// Keys reach it only while the pane holds the keyboard (shell.captureInput), see index.tsx.
import type { Segment, Tone } from '../../ui/shell/header-model.js';
import { Line } from '../../ui/shell/Line.js';
import { displayWidth, fit } from '../../ui/text.js';

export interface InputLineProps {
  prompt: string;
  text: string;
  /** Right-aligned after the text ("^R regex on ^N invert off", or why the entry is refused); cut to fit. */
  hint: string;
  hintTone?: Tone;
  width: number;
}

const MIN_TEXT_ROOM = 12;

export function InputLine({ prompt, text, hint, hintTone = 'dim', width }: InputLineProps) {
  const cursor = '█';
  const promptWidth = displayWidth(prompt);
  // The hint gets what the entry does not need, but never squeezes the entry below MIN_TEXT_ROOM.
  const hintRoom = Math.max(0, width - promptWidth - Math.max(MIN_TEXT_ROOM, displayWidth(text) + 1) - 2);
  const shownHint = hint && hintRoom >= 8 ? fit(hint, hintRoom) : '';
  const room = Math.max(4, width - promptWidth - 1 - (shownHint ? displayWidth(shownHint) + 2 : 0));
  // Keep the end of a long entry visible: that is where the typing happens.
  const chars = Array.from(text);
  const shown = displayWidth(text) > room ? `…${chars.slice(chars.length - room + 1).join('')}` : text;
  const used = promptWidth + displayWidth(shown) + 1;
  const segments: Segment[] = [
    { text: prompt, tone: 'accent' },
    { text: shown, tone: 'plain' },
    { text: cursor, tone: 'accent' },
  ];
  if (shownHint) segments.push({ text: ' '.repeat(Math.max(2, width - used - displayWidth(shownHint))), tone: 'plain' }, { text: shownHint, tone: hintTone });
  return <Line segments={segments} />;
}
