// The bottom rows: the active pane's keys (from its action table, wrapped onto a second row rather
// than cut) and the global ones; the command line's and overlays' own keys while those are open.
import { Box } from 'ink';
import type { Segment } from './header-model.js';
import { Line } from './Line.js';
import { fit } from '../text.js';

export function KeyHints(props: { rows: readonly Segment[][] | null; candidates: readonly string[]; width: number; mode: 'pane' | 'command' | 'help' | 'captured' | 'quit' }) {
  if (props.mode === 'command') {
    if (props.candidates.length > 0) return <Line segments={[{ text: fit(`matches: ${props.candidates.join('  ')}`, props.width), tone: 'dim' }]} />;
    return <Line segments={[{ text: fit('<enter> run  <tab> complete  <up>/<down> history  ^U clear  ^W word  <esc> cancel', props.width), tone: 'dim' }]} />;
  }
  if (props.mode === 'help') {
    return <Line segments={[{ text: '<up>/<down> scroll  q, ? or <esc> close', tone: 'dim' }]} />;
  }
  if (props.mode === 'quit') {
    return <Line segments={[{ text: 'y quit  any other key stays', tone: 'dim' }]} />;
  }
  if (props.mode === 'captured') {
    return <Line segments={[{ text: fit('typing: Enter done  Esc cancel  ^U clear (every key goes to the field)', props.width), tone: 'dim' }]} />;
  }
  return (
    <Box flexDirection="column" width={props.width}>
      {(props.rows ?? []).map((segments, i) => (
        <Line key={i} segments={segments} />
      ))}
    </Box>
  );
}
