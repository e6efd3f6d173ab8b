// The Logs pane's repaint rule (src/features/logs/controller.ts): arriving lines repaint on a 5/s
// ticker, a key within one 1/14 s interval, and nothing is published when nothing drawn changed.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOGS_ARRIVAL_REPAINTS_PER_SECOND, LogsController } from '../../src/features/logs/controller.js';

const SOURCE = 'n1/kubelet';

function controller() {
  const ctl = new LogsController({
    targetFor: () => {
      throw new Error('no stream is opened in these tests');
    },
    model: { capacityPerSource: 50 },
  });
  ctl.setViewport(10, 80);
  ctl.model.addSource({ id: SOURCE, node: 'n1', label: 'kubelet', format: 'service' });
  vi.advanceTimersByTime(1000);
  return ctl;
}

describe('Logs pane repaints', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('lines arriving all the time repaint at most 5 times a second; a key still answers within 1/14 s', () => {
    const ctl = controller();
    const before = ctl.store.publications;
    for (let i = 0; i < 200; i++) {
      ctl.model.pushLines(SOURCE, [`line ${i}`]);
      vi.advanceTimersByTime(10); // 100 lines a second for 2 s
    }
    expect(ctl.store.publications - before).toBeLessThanOrEqual(2 * LOGS_ARRIVAL_REPAINTS_PER_SECOND + 1);
    expect(ctl.store.publications - before).toBeGreaterThanOrEqual(2 * LOGS_ARRIVAL_REPAINTS_PER_SECOND - 1);

    const atKey = ctl.store.publications;
    ctl.model.pushLines(SOURCE, ['one more']);
    ctl.model.toggleWrap();
    vi.advanceTimersByTime(Math.ceil(1000 / 14));
    expect(ctl.store.publications).toBe(atKey + 1);
    expect(ctl.store.getSnapshot().view.wrap).toBe(true);
    ctl.dispose();
  });

  it('lines the filter hides, once the buffer is full, publish nothing: no re-render', () => {
    const ctl = controller();
    ctl.model.pushLines(SOURCE, Array.from({ length: 60 }, (_, i) => `noise ${i}`)); // fills the 50-line buffer
    ctl.model.setFilter({ text: 'error', regex: false, invert: false });
    vi.advanceTimersByTime(1000);
    const settled = ctl.store.publications;
    for (let i = 0; i < 50; i++) {
      ctl.model.pushLines(SOURCE, [`more noise ${i}`]);
      vi.advanceTimersByTime(50);
    }
    expect(ctl.store.publications).toBe(settled);
    // A line the filter lets through is drawn.
    ctl.model.pushLines(SOURCE, ['an error']);
    vi.advanceTimersByTime(1000);
    expect(ctl.store.publications).toBe(settled + 1);
    expect(ctl.store.getSnapshot().view.rows.map((r) => r.text).join('\n')).toContain('an error');
    ctl.dispose();
  });
});
