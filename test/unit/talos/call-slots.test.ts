import { describe, expect, it } from 'vitest';
import { CallSlots, WaitLine, waitSignal, type CallKind, type Release } from '../../../src/talos/call-slots.js';

const flush = () => new Promise((r) => setImmediate(r));

describe('CallSlots', () => {
  it('keeps room for unary calls however many streams ask', () => {
    const slots = new CallSlots({ maxCalls: 10, maxStreams: 8 });
    const streams = Array.from({ length: 8 }, () => slots.tryTake('stream'));
    expect(streams.every((s) => s !== null)).toBe(true);
    expect(slots.tryTake('stream')).toBeNull();
    // Two slots are left, for unary calls only.
    expect(slots.tryTake('unary')).not.toBeNull();
    expect(slots.tryTake('unary')).not.toBeNull();
    expect(slots.tryTake('unary')).toBeNull();
    expect(slots.inFlight).toBe(10);
    expect(slots.streams).toBe(8);
  });

  it('starts waiting calls in order as slots come back, unary calls before streams', async () => {
    const slots = new CallSlots({ maxCalls: 2, maxStreams: 1 });
    const held: Release[] = [slots.tryTake('stream')!, slots.tryTake('unary')!];
    const started: string[] = [];
    const queuedEvents: string[] = [];
    const wait = (name: string, kind: CallKind) =>
      slots.take(kind, { onQueued: (q) => queuedEvents.push(`${name}:${q}`) }).then((release) => {
        started.push(name);
        return release;
      });
    const s1 = wait('s1', 'stream');
    const s2 = wait('s2', 'stream');
    const u1 = wait('u1', 'unary');
    expect(slots.queued).toBe(3);
    expect(queuedEvents).toEqual(['s1:true', 's2:true', 'u1:true']);

    held[1]!(); // the unary slot: u1 goes first although the streams waited longer
    await flush();
    expect(started).toEqual(['u1']);
    held[0]!(); // the stream slot: s1, then s2 only once s1 ends
    await flush();
    expect(started).toEqual(['u1', 's1']);
    (await s1)();
    await flush();
    expect(started).toEqual(['u1', 's1', 's2']);
    expect(queuedEvents).toEqual(['s1:true', 's2:true', 'u1:true', 'u1:false', 's1:false', 's2:false']);
    (await s2)();
    (await u1)();
    expect(slots.inFlight).toBe(0);
    expect(slots.queued).toBe(0);
  });

  it('a release given twice frees one slot only', () => {
    const slots = new CallSlots({ maxCalls: 2, maxStreams: 1 });
    const a = slots.tryTake('unary')!;
    slots.tryTake('unary');
    a();
    a();
    expect(slots.inFlight).toBe(1);
  });

  it('an aborted wait leaves the line and takes no slot', async () => {
    const slots = new CallSlots({ maxCalls: 1 });
    const held = slots.tryTake('unary')!;
    const ac = new AbortController();
    const waiting = slots.take('unary', { signal: ac.signal });
    const next = slots.take('unary');
    ac.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    expect(slots.queued).toBe(1);
    held();
    (await next)();
    expect(slots.inFlight).toBe(0);
  });

  it('a call behind others of its kind waits its turn even when a slot is free at that moment', async () => {
    const slots = new CallSlots({ maxCalls: 3, maxStreams: 1 });
    const s = slots.tryTake('stream')!;
    const waiting = slots.take('stream');
    expect(slots.hasRoom('stream')).toBe(false);
    expect(slots.tryTake('stream')).toBeNull();
    s();
    (await waiting)();
  });

  it("a unary call's deadline ends its wait in line (the wait counts towards the deadline)", async () => {
    const slots = new CallSlots({ maxCalls: 1 });
    slots.tryTake('unary');
    const started = performance.now();
    await expect(slots.take('unary', { signal: waitSignal(undefined, 50) })).rejects.toThrow();
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(slots.queued).toBe(0);
    // The caller's own signal ends it too, whichever comes first.
    const ac = new AbortController();
    const waiting = slots.take('unary', { signal: waitSignal(ac.signal, 60_000) });
    ac.abort(new Error('closed'));
    await expect(waiting).rejects.toThrow('closed');
  });

  it('refuses nonsense limits by clamping them: one slot at least, streams below the total', () => {
    expect(new CallSlots({ maxCalls: 0 }).limits).toEqual({ maxCalls: 1, maxStreams: 1 });
    expect(new CallSlots({ maxCalls: 5, maxStreams: 50 }).limits).toEqual({ maxCalls: 5, maxStreams: 4 });
  });
});

describe('WaitLine', () => {
  it('hands out what start() gives, in order, when pumped', async () => {
    let room = 0;
    const line = new WaitLine<number>(() => (room > 0 ? room-- : null));
    const got: number[] = [];
    const a = line.take('stream').then((v) => got.push(v));
    const b = line.take('stream').then((v) => got.push(v));
    room = 1;
    line.pump();
    await a;
    expect(got).toEqual([1]);
    room = 7;
    line.pump();
    await b;
    expect(got).toEqual([1, 7]);
    expect(line.length).toBe(0);
  });
});
