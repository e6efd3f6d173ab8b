// The one way tests wait for something that happens on its own time (a frame, a snapshot, a state):
// poll `cond` until it holds, fail after `timeout` ms saying what was awaited.
import { expect, vi } from 'vitest';

export interface UntilOptions {
  /** Give up after this many ms (default 5000). */
  timeout?: number;
  /** Check every this many ms (default 20). */
  interval?: number;
}

/** Resolves when `cond()` holds; fails with `waiting for WHAT` (a function: evaluated at failure, e.g. to show the last frame). */
export async function until(cond: () => boolean, what: string | (() => string), opts: UntilOptions = {}): Promise<void> {
  await vi.waitFor(
    () => {
      if (!cond()) throw new Error(`waiting for ${typeof what === 'string' ? what : what()}`);
    },
    { timeout: opts.timeout ?? 5000, interval: opts.interval ?? 20 },
  );
}

/** Resolves when `text()` contains `check` (a string) or matches it (a pattern); a failure shows the last text. */
export async function untilText(text: () => string, check: string | RegExp, opts: UntilOptions = {}): Promise<void> {
  await vi.waitFor(() => (typeof check === 'string' ? expect(text()).toContain(check) : expect(text()).toMatch(check)), {
    timeout: opts.timeout ?? 5000,
    interval: opts.interval ?? 20,
  });
}
