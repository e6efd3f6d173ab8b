// The shell's other overlays: the `:messages` log (every recent message in full, newest last) and the
// question asked before quitting while work is running.
import { Box } from 'ink';
import type { MessageTone } from '../../core/tone.js';
import type { HelpLine } from './hints.js';
import { HelpOverlay, maxHelpScroll } from './HelpOverlay.js';
import { Line } from './Line.js';
import type { LoggedMessage } from './shell-state.js';
import { statusLines } from './status-lines.js';
import { wrapWords } from '../text.js';

const TONE: Record<MessageTone, HelpLine['tone']> = { info: 'plain', ok: 'ok', warn: 'warn', error: 'error' };
const hhmmss = (d: Date) => d.toTimeString().slice(0, 8);

/** The log as overlay lines: a time, then the whole message wrapped under it (never cut). */
export function messageLines(log: readonly LoggedMessage[], width: number): HelpLine[] {
  const lines: HelpLine[] = [{ text: `Messages (last ${log.length}, newest last)`, tone: 'accent' }];
  if (log.length === 0) lines.push({ text: '  (no messages yet)', tone: 'dim' });
  for (const m of log) {
    const prefix = `  ${hhmmss(m.at)} `;
    const body = statusLines(`${m.tone === 'error' ? 'error: ' : m.tone === 'warn' ? 'warning: ' : ''}${m.text}`, Math.max(10, width - prefix.length), Number.MAX_SAFE_INTEGER);
    body.forEach((row, i) => lines.push({ text: (i === 0 ? prefix : ' '.repeat(prefix.length)) + row, tone: TONE[m.tone] }));
  }
  return lines;
}

/** The messages overlay: opened at the bottom (the newest), scrollable like the help. */
export function MessagesOverlay(props: { lines: readonly HelpLine[]; scroll: number; height: number; width: number }) {
  const scroll = Math.min(props.scroll, maxHelpScroll(props.lines.length, props.height));
  return <HelpOverlay lines={props.lines} scroll={scroll} height={props.height} width={props.width} />;
}

export function QuitOverlay(props: { work: readonly string[]; width: number }) {
  const w = Math.max(10, props.width - 2);
  return (
    <Box flexDirection="column" width={props.width} paddingX={1}>
      <Line segments={[{ text: 'Quit? This is still running and would stop:', tone: 'warn' }]} />
      {props.work.flatMap((item, i) => wrapWords(`• ${item}`, w).map((row, j) => <Line key={`${i}.${j}`} segments={[{ text: row, tone: 'plain' }]} />))}
      <Line segments={[{ text: ' ', tone: 'plain' }]} />
      <Line segments={[{ text: 'y quits; any other key (n, Esc) stays.', tone: 'accent' }]} />
    </Box>
  );
}
