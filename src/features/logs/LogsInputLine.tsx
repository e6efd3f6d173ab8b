// The bottom line while the Logs pane's text field is open: its prompt, what is typed, and a hint
// (the filter's regex/invert switches, or why the typed regex is refused).
import type { LogViewSnapshot } from '../../core/logs/log-model.js';
import { TextField } from '../../ui/text-entry/index.js';
import type { InputKind } from './actions.js';

const PROMPTS: Record<InputKind, string> = {
  filter: '/ filter: ',
  save: 'save to: ',
  tail: 'lines per log at start (a number, or all): ',
  typed: 'log id (service, or k8s container ns/pod:container:id): ',
};

export function LogsInputLine(props: { input: InputKind; value: string; view: LogViewSnapshot; width: number }) {
  const { input, value, view, width } = props;
  return (
    <TextField
      prompt={PROMPTS[input]}
      value={value}
      hint={
        input !== 'filter'
          ? 'enter ok  ^U clear  esc cancel'
          : view.filterError
            ? view.filterError
            : `^R regex ${view.filter.regex ? 'on' : 'off'} ^N invert ${view.filter.invert ? 'on' : 'off'}`
      }
      hintTone={input === 'filter' && view.filterError ? 'error' : 'dim'}
      width={width}
    />
  );
}
