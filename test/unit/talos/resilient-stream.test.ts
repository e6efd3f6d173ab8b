import { describe, expect, it } from 'vitest';
import { backoffDelay, resilientStream, type StreamEvent } from '../../../src/talos/resilient-stream.js';
import { TalosError } from '../../../src/talos/errors.js';
import { Code } from '../../../src/talos/status-codes.js';

const unavailable = () => new TalosError({ code: Code.UNAVAILABLE, message: 'node went away' });

/** A scripted source: each open plays the next script (values, then an optional error or end). */
function scripted(scripts: { values: number[]; error?: TalosError }[]) {
  const opened: number[] = [];
  let closed = 0;
  const open = ({ attempt }: { attempt: number }) => {
    opened.push(attempt);
    const script = scripts.shift() ?? { values: [], error: unavailable() };
    return (async function* () {
      try {
        for (const v of script.values) yield v;
        if (script.error) throw script.error;
      } finally {
        closed++;
      }
    })();
  };
  return { open, opened, closedCount: () => closed };
}

async function collect<T>(it: AsyncIterable<StreamEvent<T>>, max = 50): Promise<StreamEvent<T>[]> {
  const out: StreamEvent<T>[] = [];
  for await (const ev of it) {
    out.push(ev);
    if (out.length >= max) break;
  }
  return out;
}

describe('resilientStream', () => {
  it('reopens after a failure, reports the gap, then the resume with its length', async () => {
    let clock = 1000;
    const src = scripted([{ values: [1, 2], error: unavailable() }, { values: [3], error: new TalosError({ code: Code.PERMISSION_DENIED, message: 'no' }) }]);
    const events: StreamEvent<number>[] = [];
    const run = async () => {
      for await (const ev of resilientStream(src.open, {
        random: () => 1,
        now: () => clock,
        sleep: async (ms) => {
          clock += ms;
        },
      })) {
        events.push(ev);
      }
    };
    await expect(run()).rejects.toThrow('no');
    expect(events).toEqual([
      { kind: 'data', msg: 1 },
      { kind: 'data', msg: 2 },
      { kind: 'gap', startedAt: 1000, error: expect.objectContaining({ message: 'node went away' }), attempt: 1, retryInMs: 250 },
      { kind: 'resumed', gapMs: 250 },
      { kind: 'data', msg: 3 },
    ]);
    expect(src.opened).toEqual([0, 1]);
  });

  it('backs off exponentially while reopening keeps failing, and treats a server-ended stream as a failure', async () => {
    const src = scripted([{ values: [] }, { values: [], error: unavailable() }, { values: [], error: unavailable() }, { values: [7] }]);
    const events = await collect(resilientStream(src.open, { random: () => 1, sleep: async () => {}, maxDelayMs: 600 }), 5);
    const gaps = events.filter((e) => e.kind === 'gap');
    expect(gaps.map((g) => (g.kind === 'gap' ? [g.attempt, g.retryInMs] : null))).toEqual([
      [1, 250],
      [2, 500],
      [3, 600],
    ]);
    expect(gaps[0].kind === 'gap' && gaps[0].error.message).toBe('the server ended the stream');
    // One gap: every attempt reports when the outage started.
    expect(new Set(gaps.map((g) => (g.kind === 'gap' ? g.startedAt : 0))).size).toBe(1);
    expect(events[3]).toMatchObject({ kind: 'resumed' });
    expect(events[4]).toEqual({ kind: 'data', msg: 7 });
  });

  it('stops quietly when aborted while waiting to reconnect', async () => {
    const ac = new AbortController();
    const src = scripted([{ values: [1], error: unavailable() }]);
    const events = await collect(
      resilientStream(src.open, {
        signal: ac.signal,
        random: () => 1,
        sleep: (_ms, signal) => {
          ac.abort();
          return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve())));
        },
      }),
    );
    expect(events.map((e) => e.kind)).toEqual(['data', 'gap']);
    expect(src.opened).toEqual([0]);
  });

  it('closes the underlying stream when the consumer stops early', async () => {
    const src = scripted([{ values: [1, 2, 3, 4] }]);
    for await (const ev of resilientStream(src.open)) {
      if (ev.kind === 'data' && ev.msg === 2) break;
    }
    expect(src.closedCount()).toBe(1);
  });

  it('gives up after maxAttempts consecutive failures with the last error', async () => {
    const src = scripted([]);
    await expect(collect(resilientStream(src.open, { maxAttempts: 2, sleep: async () => {} }))).rejects.toThrow('node went away');
    expect(src.opened).toEqual([0, 1, 2]);
  });
});

describe('backoffDelay', () => {
  it('draws from [0, min(cap, base * 2^(n-1))]', () => {
    expect([1, 2, 3, 4, 10].map((n) => backoffDelay(n, 250, 10_000, () => 1))).toEqual([250, 500, 1000, 2000, 10_000]);
    expect(backoffDelay(5, 250, 10_000, () => 0)).toBe(0);
    expect(backoffDelay(3, 250, 10_000, () => 0.5)).toBe(500);
  });
});
