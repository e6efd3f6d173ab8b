// The Logs pane's key tables (one for the log view, one for the source picker). The shell shows the
// visible ones in the hint bar in this order (most used first, so 80 columns keep them) and all of
// them in `?` help.
import type { LogModel, LogViewSnapshot } from '../../core/logs/log-model.js';
import type { Action } from '../../ui/pane-types.js';

export type InputKind = 'filter' | 'save' | 'tail' | 'typed';

export interface ViewActionContext {
  model: LogModel;
  view: LogViewSnapshot;
  hasStreams: boolean;
  openInput(kind: InputKind): void;
  openPicker(): void;
}

export function viewActions(c: ViewActionContext): Action[] {
  const { model, view } = c;
  const filtered = view.filter.text !== '';
  const toggleFollow = () => model.togglePause();
  return [
    {
      key: 'f',
      label: view.following ? 'pause' : 'follow',
      help: 'pause the view (lines keep arriving and are counted) or follow the newest line again; space does the same',
      run: toggleFollow,
    },
    { key: ' ', label: 'pause/follow', hidden: true, help: '(space) pause or follow, like f', run: toggleFollow },
    { key: '/', label: 'filter', help: 'type a filter (substring, or a regex with R) matched against each line\'s text, not its node/log label; enter keeps it, esc restores the previous one', run: () => c.openInput('filter') },
    { key: 'escape', label: 'unfilter', help: 'clear the filter', when: () => filtered, run: () => model.clearFilter() },
    { key: 'p', label: 'logs', help: 'pick the logs and nodes to follow (dmesg, services, Kubernetes containers)', run: () => c.openPicker() },
    { key: 's', label: 'save', help: 'save the lines that pass the filter, as shown, to a file (default ./talos-logs-<time>.log)', run: () => c.openInput('save') },
    { key: 'w', label: 'wrap', help: 'wrap long lines on/off', run: () => model.toggleWrap() },
    { key: 't', label: 'time', help: 'timestamps on/off', run: () => model.toggleTimestamps() },
    {
      key: '!',
      label: 'invert',
      help: 'invert the filter: show the lines that do NOT match',
      run: () => model.setFilter({ ...model.filter, invert: !model.filter.invert }),
    },
    {
      key: 'R',
      label: 'regex',
      help: 'treat the filter as a regular expression (case-insensitive) or as plain text',
      run: () => model.setFilter({ ...model.filter, regex: !model.filter.regex }),
    },
    { key: 'n', label: 'tail', help: 'how many lines each log starts with (restarts every stream)', run: () => c.openInput('tail') },
    { key: 'g', label: 'top', help: 'jump to the oldest line (pauses)', run: () => model.scrollToTop() },
    { key: 'G', label: 'bottom', help: 'jump to the newest line and follow', run: () => model.scrollToBottom() },
    { key: 'up', label: 'up', hidden: true, help: 'scroll up one line (pauses)', run: () => model.scrollUp(1) },
    { key: 'down', label: 'down', hidden: true, help: 'scroll down one line', run: () => model.scrollDown(1) },
    { key: 'pageup', label: 'page up', hidden: true, help: 'scroll up one page (pauses)', run: () => model.pageUp() },
    { key: 'pagedown', label: 'page down', hidden: true, help: 'scroll down one page', run: () => model.pageDown() },
    { key: 'home', label: 'top', hidden: true, help: 'jump to the oldest line, like g', run: () => model.scrollToTop() },
    { key: 'end', label: 'bottom', hidden: true, help: 'jump to the newest line and follow, like G', run: () => model.scrollToBottom() },
  ];
}

export interface PickerActionContext {
  canClose: boolean;
  move(delta: number): void;
  page: number;
  toggle(): void;
  toggleAllNodes(): void;
  open(): void;
  close(): void;
  reload(): void;
}

export function pickerActions(c: PickerActionContext): Action[] {
  return [
    { key: 'enter', label: 'open', help: 'follow the checked logs (or the one under the cursor) on the checked nodes', run: c.open },
    { key: ' ', label: 'check', hidden: true, help: '(space) check or uncheck the node or log under the cursor', run: c.toggle },
    { key: 'x', label: 'check', help: 'check or uncheck the node or log under the cursor (space too)', run: c.toggle },
    { key: 'a', label: 'all nodes', help: 'check every node, or none when all are checked', run: c.toggleAllNodes },
    { key: 'r', label: 'reload', help: 'ask the nodes for their services again', run: c.reload },
    { key: 'escape', label: 'cancel', help: 'back to the logs already open', when: () => c.canClose, run: c.close },
    { key: 'up', label: 'up', hidden: true, help: 'previous row', run: () => c.move(-1) },
    { key: 'down', label: 'down', hidden: true, help: 'next row', run: () => c.move(1) },
    { key: 'k', label: 'up', hidden: true, help: 'previous row', run: () => c.move(-1) },
    { key: 'j', label: 'down', hidden: true, help: 'next row', run: () => c.move(1) },
    { key: 'pageup', label: 'page up', hidden: true, help: 'one page up', run: () => c.move(-c.page) },
    { key: 'pagedown', label: 'page down', hidden: true, help: 'one page down', run: () => c.move(c.page) },
  ];
}
