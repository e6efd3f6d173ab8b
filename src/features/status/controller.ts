// The Status pane's controller: its cursors (state.ts) behind core/reducer-store.ts. A key changes
// them at once, so the next key of the same input chunk (`↓` then `r`) already acts on the row the
// first one selected, and React repaints from the published state. The data, the polling and every
// call stay outside: StatusSource (source.ts) and operations.ts.
import { ReducerStore } from '../../core/reducer-store.js';
import { INITIAL_STATUS_STATE, nextView, selection, statusReducer, type StatusEvent, type StatusLists, type StatusSelection, type StatusState, type StatusView } from './state.js';

/** A held arrow key repeats about 30 times a second: the cursor repaints as often (Ink draws at most 30 frames a second). */
const CURSOR_PUBLICATIONS_PER_SECOND = 30;

export class StatusController extends ReducerStore<StatusState, StatusEvent> {
  constructor(initial: StatusState = INITIAL_STATUS_STATE) {
    super(statusReducer, initial, { maxPerSecond: CURSOR_PUBLICATIONS_PER_SECOND });
  }

  setView(view: StatusView): void {
    this.dispatch({ type: 'view', view });
  }

  /** Tab (1) and Shift+Tab (-1). */
  cycleView(delta: number): void {
    this.setView(nextView(this.current.view, delta));
  }

  /** `lists`: what the screen shows now (listsOf the source's latest snapshot and the filter in force). */
  move(delta: number, lists: StatusLists): void {
    this.dispatch({ type: 'move', delta, lists });
  }

  switchNode(delta: number, lists: StatusLists): void {
    this.dispatch({ type: 'switch-node', delta, lists });
  }

  toggleEvents(): void {
    this.dispatch({ type: 'toggle-events' });
  }

  /** What is under the cursors as of now (not as of the last frame). */
  selection(lists: StatusLists): StatusSelection {
    return selection(this.current, lists);
  }
}
