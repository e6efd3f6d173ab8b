// The status row, which doubles as the `:` command line while it is open.
import { Box } from 'ink';
import type { Tone } from './header-model.js';
import { Line } from './Line.js';
import { statusLines } from './status-lines.js';
import type { MessageTone } from '../../core/tone.js';
import { fitOrPointToLog } from '../text.js';

const toneOf: Record<MessageTone, Tone> = { info: 'plain', ok: 'ok', warn: 'warn', error: 'error' };

export function StatusBar(props: { status: { text: string; tone: MessageTone } | null; command: string | null; width: number }) {
  if (props.command !== null) {
    // Keep the end of a long command visible (that is where the user types).
    const shown = `:${props.command}`;
    const room = props.width - 1;
    const text = shown.length > room ? `…${shown.slice(shown.length - room + 1)}` : shown;
    return <Line segments={[{ text, tone: 'plain' }, { text: '█', tone: 'accent' }]} />;
  }
  if (!props.status) return <Line segments={[]} />;
  const tone = toneOf[props.status.tone];
  return (
    <Box flexDirection="column" width={props.width} flexShrink={0}>
      {statusRows(props.status, props.width).map((text, i) => (
        <Line key={i} segments={[{ text, tone }]} />
      ))}
    </Box>
  );
}

/** The status text as drawn: wrapped to at most three rows (the shell shrinks the pane by the extra rows). */
export function statusRows(status: { text: string; tone: MessageTone } | null, width: number): string[] {
  if (!status) return [''];
  const text = (status.tone === 'error' ? 'error: ' : '') + status.text;
  const rows = statusLines(text, width);
  // Longer than the rows it may take: the last one says where the whole message is kept.
  const whole = statusLines(text, width, Number.MAX_SAFE_INTEGER);
  if (whole.length > rows.length) rows[rows.length - 1] = fitOrPointToLog(whole.slice(rows.length - 1).join(' '), width);
  return rows;
}
