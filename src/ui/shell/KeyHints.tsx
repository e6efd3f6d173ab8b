// The bottom row: the active pane's keys (from its action table) and the global ones.
import type { Action } from '../pane-types.js';
import { hintSegments } from './hints.js';
import { Line } from './Line.js';

export function KeyHints(props: { actions: readonly Action[]; canGoBack: boolean; width: number; mode: 'pane' | 'command' | 'help' | 'captured' }) {
  if (props.mode === 'command') {
    return <Line segments={[{ text: '<enter> run  <tab> complete  <esc> cancel', tone: 'dim' }]} />;
  }
  if (props.mode === 'help') {
    return <Line segments={[{ text: '<up>/<down> scroll  q, ? or <esc> close', tone: 'dim' }]} />;
  }
  if (props.mode === 'captured') {
    return <Line segments={[{ text: 'typing: Enter done  Esc cancel  ^U clear (every key goes to the field)', tone: 'dim' }]} />;
  }
  return <Line segments={hintSegments(props.actions, props.canGoBack, props.width)} />;
}
