// A reducer's state behind a ThrottledStore: the base of a pane controller (Apply, META, Status's
// cursors). The controller changes its state only by dispatching typed events to a pure reducer;
// React reads the published snapshots (at most 10 a second unless told), actions read `current`
// (the state as of the key press, never an older frame's).
import { ThrottledStore, type ThrottledStoreOptions } from './throttled-store.js';

export class ReducerStore<S, E> {
  private state: S;
  readonly store: ThrottledStore<S>;

  constructor(
    private readonly reducer: (state: S, event: E) => S,
    initial: S,
    options: ThrottledStoreOptions = { maxPerSecond: 10 },
  ) {
    this.state = initial;
    this.store = new ThrottledStore(() => this.state, options);
  }

  get current(): S {
    return this.state;
  }

  /** Apply one event; subscribers hear of it only when the state changed. */
  protected dispatch(event: E): void {
    const next = this.reducer(this.state, event);
    if (next === this.state) return;
    this.state = next;
    this.store.notify();
  }

  dispose(): void {
    this.store.dispose();
  }
}
