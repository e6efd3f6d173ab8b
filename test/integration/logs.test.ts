// The Logs pane's data path and the headless logs/dmesg commands against simulated Talos nodes over real
// gRPC + mutual TLS on a free loopback /24: tail N, follow, a stream the server drops (gap marker, no duplicated
// lines after the reconnect), a node rebooting and being followed back, several nodes prefixed, and a
// maintenance node that refuses logs (said plainly, not retried).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { command as dmesgCommand } from '../../src/cli/commands/dmesg.js';
import { command as logsCommand } from '../../src/cli/commands/logs.js';
import { LogModel } from '../../src/core/logs/log-model.js';
import { EXACT_RING_HOLD, followLog, type FollowEnd } from '../../src/ops/logs/follow.js';
import type { LogSelector } from '../../src/core/logs/selector.js';
import { LogStreams } from '../../src/features/logs/source.js';
import { startSimCluster, writeTalosconfig, type SimCluster, type SimNode } from '../../src/sim/index.js';
import type { DescMethod } from '@bufbuild/protobuf';
import { Code, insecureClient, parseTalosconfig, RpcError, TalosSession, type CallOptions, type NodeTarget, type RequestOf } from '../../src/talos/index.js';
import { startTestNodes, stopAll, type TestNode } from './talos-test-nodes.js';
import { runCommand, sink } from '../helpers/run-command.js';
import { freeLoopback24 } from '../helpers/loopback.js';

// Free loopback /24s (test/helpers/loopback.ts): two runs side by side never collide. `length` keeps
// addresses as wide as the columns and messages below expect.
const NET = await freeLoopback24({ length: 8 });
const NET_RE = NET.replaceAll('.', '\\.');

let sim: SimCluster;
let session: TalosSession;
let cp1: SimNode;
let w1: SimNode;
let maint: SimNode;
let dir: string;
let talosconfig: string;

beforeAll(async () => {
  sim = await startSimCluster({ configured: 2, maintenance: 1, listen: `${NET}.1`, rebootMs: 600, logLinesPerSecond: 0 });
  session = new TalosSession(parseTalosconfig(sim.talosconfigText, 'sim'));
  cp1 = sim.node('cp1')!;
  w1 = sim.node('w1')!;
  maint = sim.node('m1')!;
  for (const n of sim.nodes) n.setLogRate(0); // lines only when a test appends them
  dir = mkdtempSync(join(tmpdir(), 'talos-tui-logs-'));
  talosconfig = join(dir, 'talosconfig');
  await writeTalosconfig(sim, talosconfig);
});

afterAll(async () => {
  session?.close();
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const host = (n: SimNode) => n.ip;
// The simulator checks a quiet log for new lines once a second: give lines time to travel (and a
// loaded 2-core CI machine time to schedule us).
const eventually = (check: () => void) => vi.waitFor(check, { timeout: 8000, interval: 20 });

const run = (cmd: typeof logsCommand, argv: string[]) => runCommand(cmd, argv);

/** A target that counts the messages of its streams (what crossed the wire). */
function countingTarget(t: NodeTarget): NodeTarget & { messages: number } {
  const counted = {
    node: t.node,
    messages: 0,
    unary: t.unary.bind(t),
    stream: <M extends DescMethod>(m: M, r: RequestOf<M>, o?: CallOptions) => ({
      async *[Symbol.asyncIterator]() {
        for await (const msg of t.stream(m, r, o)) {
          counted.messages++;
          yield msg;
        }
      },
    }),
  };
  return counted as NodeTarget & { messages: number };
}

/** Follows one log into an array until stopped. */
function follow(node: string, selector: LogSelector, tail: number) {
  const ac = new AbortController();
  const lines: string[] = [];
  const notes: string[] = [];
  const target = countingTarget(session.target(node));
  const done: Promise<FollowEnd> = followLog(
    { target, selector, tail, follow: true, signal: ac.signal, initialDelayMs: 20, maxDelayMs: 200, resyncWindowMs: 150, ringHold: EXACT_RING_HOLD },
    {
      lines: (l) => lines.push(...l),
      gap: (g) => notes.push(`gap ${g.afterData} ${g.unreachable}`),
      resumed: (r) => notes.push(`resumed ${r.outcome}`),
    },
  );
  return { lines, notes, target, stop: () => ac.abort(), done };
}

describe('logs against the simulator', { timeout: 30_000 }, () => {
  it('tail N returns the last N lines of a service log, and the headless command prints exactly them', async () => {
    for (let i = 1; i <= 10; i++) cp1.appendLog('apid', `tail-test line ${i}`);
    const lines: string[] = [];
    const end = await followLog(
      { target: session.target(host(cp1)), selector: { kind: 'service', id: 'apid' }, tail: 4, follow: false, signal: new AbortController().signal },
      { lines: (l) => lines.push(...l) },
    );
    expect(end).toEqual({ kind: 'ended' });
    expect(lines).toEqual(['tail-test line 7', 'tail-test line 8', 'tail-test line 9', 'tail-test line 10']);

    const r = await run(logsCommand, ['--talosconfig', talosconfig, '-n', host(cp1), 'apid', '--tail', '3']);
    expect(r).toEqual({ code: 0, stdout: 'tail-test line 8\ntail-test line 9\ntail-test line 10\n', stderr: '' });
  });

  it('-f follows new lines as they are written', async () => {
    cp1.appendLog('trustd', 'before follow');
    const f = follow(host(cp1), { kind: 'service', id: 'trustd' }, 1);
    await eventually(() => expect(f.lines).toEqual(['before follow']));
    cp1.appendLog('trustd', 'live one');
    cp1.appendLog('trustd', 'live two');
    await eventually(() => expect(f.lines).toEqual(['before follow', 'live one', 'live two']));
    f.stop();
    expect(await f.done).toEqual({ kind: 'aborted' });
  });

  it('a dropped stream shows a gap marker, reconnects, and repeats no line', async () => {
    const model = new LogModel({ tailLines: 5, nodePrefix: false });
    const streams = new LogStreams(model, { targetFor: (n) => session.target(n), initialDelayMs: 20, maxDelayMs: 200, resyncWindowMs: 150 });
    for (let i = 1; i <= 8; i++) w1.appendLog('containerd', `drop-test ${i}`);
    const id = streams.open({ node: host(w1), selector: { kind: 'service', id: 'containerd' } });
    const texts = () => model.renderForSave().trimEnd().split('\n');
    await eventually(() => expect(streams.list()[0]!.state).toBe('live'));
    await eventually(() => expect(texts()).toEqual(['drop-test 4', 'drop-test 5', 'drop-test 6', 'drop-test 7', 'drop-test 8']));

    w1.dropStreams();
    w1.appendLog('containerd', 'during the gap');
    await eventually(() => expect(model.snapshot(20, 200).sources[0]!.gaps).toBe(1));
    w1.appendLog('containerd', 'after the gap');
    await eventually(() => expect(texts().at(-1)).toBe('after the gap'));
    const all = texts();
    // The marker, then the reconnect note, then only lines not shown before.
    expect(all.slice(0, 5)).toEqual(['drop-test 4', 'drop-test 5', 'drop-test 6', 'drop-test 7', 'drop-test 8']);
    expect(all[5]).toMatch(/^--- containerd stream lost: .*; lines may be missing here ---$/);
    expect(all[6]).toMatch(new RegExp(String.raw`^--- containerd on ${NET_RE}\.12 resumed after \d+\.\d s: no lines were missed ---$`));
    expect(all.slice(7)).toEqual(['during the gap', 'after the gap']);
    expect(streams.list()[0]).toMatchObject({ id, state: 'live' });
    streams.dispose();
  });

  it('the headless -f prints the gap on stderr and goes on after a drop; Ctrl+C (abort) ends with exit 0', async () => {
    const { runHeadlessLogs } = await import('../../src/cli/headless-logs.js');
    const out = sink();
    const err = sink();
    const ac = new AbortController();
    cp1.appendLog('udevd', 'headless first');
    const done = runHeadlessLogs({
      command: 'logs',
      nodes: [host(cp1)],
      targetFor: (n) => session.target(n),
      selector: { kind: 'service', id: 'udevd' },
      tail: 1,
      follow: true,
      stdout: out.stream,
      stderr: err.stream,
      signal: ac.signal,
      initialDelayMs: 20,
      maxDelayMs: 200,
    });
    await eventually(() => expect(out.text()).toBe('headless first\n'));
    cp1.dropStreams();
    await eventually(() => expect(err.text()).toContain('stream lost'));
    cp1.appendLog('udevd', 'headless second');
    await eventually(() => expect(out.text()).toBe('headless first\nheadless second\n'));
    expect(err.text()).toMatch(/resumed after \d+\.\d s: no lines were missed/);
    ac.abort();
    expect(await done).toBe(0);
  });

  it('a node rebooting is shown as such and followed back when it returns on the same address', async () => {
    const model = new LogModel({ tailLines: 2 });
    const streams = new LogStreams(model, { targetFor: (n) => session.target(n), initialDelayMs: 50, maxDelayMs: 200, resyncWindowMs: 150 });
    w1.appendLog('apid', 'before reboot');
    streams.open({ node: host(w1), selector: { kind: 'service', id: 'apid' } });
    await eventually(() => expect(model.renderForSave()).toContain('before reboot'));
    const states = new Set<string>();
    const unsubscribe = streams.subscribe(() => states.add(streams.list()[0]!.state));
    w1.reboot();
    await eventually(() => expect(states).toContain('rebooting'));
    await w1.whenUp();
    // Fresh boot, fresh log: its lines arrive through the same stream entry.
    await eventually(() => expect(streams.list()[0]!.state).toBe('live'));
    w1.appendLog('apid', 'after reboot');
    await eventually(() => expect(model.renderForSave()).toContain('after reboot'));
    const text = model.renderForSave();
    expect(text.indexOf('before reboot')).toBeLessThan(text.indexOf('stream lost'));
    expect(text).toMatch(/resumed after \d+\.\d s: the log started over/);
    expect(text.indexOf('stream lost')).toBeLessThan(text.indexOf('after reboot'));
    unsubscribe();
    streams.dispose();
  });

  it('dmesg --tail N prints the last N kernel records; dmesg follow after a drop repeats no record', async () => {
    const r = await run(dmesgCommand, ['--talosconfig', talosconfig, '-n', host(cp1), '--tail', '3']);
    expect(r.code).toBe(0);
    const printed = r.stdout.trimEnd().split('\n');
    expect(printed).toHaveLength(3);
    for (const l of printed) expect(l).toMatch(/^[a-z]+: +[a-z]+: \[\d{4}-\d\d-\d\dT[^\]]+\]: /);

    const streamsOf = (n: SimNode) => (n as unknown as { streams: Set<unknown> }).streams.size;
    const before = streamsOf(cp1);
    const f = follow(host(cp1), { kind: 'dmesg' }, 2);
    await eventually(() => expect(f.lines).toHaveLength(2));
    expect(f.lines).toEqual(printed.slice(1));
    // One stream reads the ring and goes on following: each record crossed the wire once.
    expect(streamsOf(cp1)).toBe(before + 1);
    expect(f.target.messages).toBe(cp1.machine.dmesg().tail(-1).length);
    cp1.dropStreams();
    await eventually(() => expect(f.notes).toContain('gap true false'));
    // machined also writes to the kernel ring: a service event makes one new record.
    cp1.setServiceHealth('apid', true, '');
    await eventually(() => expect(f.lines).toHaveLength(3));
    expect(f.lines[2]).toContain('service[apid]');
    expect(f.notes).toContain('resumed complete');
    expect(new Set(f.lines).size).toBe(f.lines.length);
    f.stop();
  });

  it('several nodes: every line is prefixed by its node', async () => {
    cp1.appendLog('machined', 'from cp1');
    w1.appendLog('machined', 'from w1');
    const r = await run(logsCommand, ['--talosconfig', talosconfig, '-n', `${host(cp1)},${host(w1)}`, 'machined', '--tail', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').sort()).toEqual([`${host(cp1)}: from cp1`, `${host(w1)}: from w1`]);
  });

  it('an unknown service is refused at once with the node named, exit 1', async () => {
    const r = await run(logsCommand, ['--talosconfig', talosconfig, '-n', host(cp1), 'no-such-service', '-f']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(String.raw`^talos-tui logs: .*${NET_RE}\.11.*no-such-service`));
  });

  it('a Talos 1.13 maintenance node serves dmesg over the insecure API (-i)', async () => {
    const r = await run(dmesgCommand, ['-i', '-n', maint.address, '--tail', '2']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(2);
  });
});

describe('maintenance mode before Talos 1.13', () => {
  let nodes: TestNode[] = [];
  beforeAll(async () => {
    nodes = await startTestNodes({
      ips: [`${NET}.201`],
      maintenance: true,
      hooks: {
        logs: async () => {
          throw new RpcError(Code.UNIMPLEMENTED, 'API is not implemented in maintenance mode');
        },
      },
    });
  });
  afterAll(() => stopAll(nodes));

  it('says plainly that the node refuses logs over the insecure API, and does not retry', async () => {
    const node = nodes[0]!;
    const r = await run(logsCommand, ['-i', '-n', node.address, 'machined', '-f']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `talos-tui logs: ${node.ip} is in maintenance mode and refuses logs of machined over the insecure API (Talos before 1.13 serves no logs there); apply a machine config first, then follow them with the talosconfig\n`,
    );

    // The pane's source: an info line in the log, the stream marked denied, one call only.
    const model = new LogModel();
    const client = insecureClient(node.address);
    const streams = new LogStreams(model, { targetFor: () => client, initialDelayMs: 10, maxDelayMs: 50 });
    const calls = node.calls.filter((c) => c === 'Logs').length;
    streams.open({ node: node.address, selector: { kind: 'service', id: 'machined' }, insecure: true });
    // 'denied' is set only once the follow has returned (LogStreams.ended): that settled follow is the
    // event. A retry would have kept the stream 'connecting' with a gap, never 'denied', and the one
    // call it made is counted by the node before its refusal came back, so the count is final here.
    await eventually(() => expect(streams.list()[0]!.state).toBe('denied'));
    expect(node.calls.filter((c) => c === 'Logs').length - calls).toBe(1);
    expect(model.renderForSave()).toContain('is in maintenance mode and refuses logs of machined over the insecure API');
    streams.dispose();
    client.close();
  });
});
