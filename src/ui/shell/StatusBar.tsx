// The status row, which doubles as the `:` command line while it is open.
import type { StatusTone } from '../../features/pane-types.js';
import { fit } from '../text.js';
import type { Tone } from './header-model.js';
import { Line } from './Line.js';

const toneOf: Record<StatusTone, Tone> = { info: 'plain', ok: 'ok', warn: 'warn', error: 'error' };

export function StatusBar(props: { status: { text: string; tone: StatusTone } | null; command: string | null; width: number }) {
  if (props.command !== null) {
    // Keep the end of a long command visible (that is where the user types).
    const shown = `:${props.command}`;
    const room = props.width - 1;
    const text = shown.length > room ? `…${shown.slice(shown.length - room + 1)}` : shown;
    return <Line segments={[{ text, tone: 'plain' }, { text: '█', tone: 'accent' }]} />;
  }
  if (!props.status) return <Line segments={[]} />;
  const prefix = props.status.tone === 'error' ? 'error: ' : '';
  return <Line segments={[{ text: fit(prefix + props.status.text, props.width), tone: toneOf[props.status.tone] }]} />;
}
